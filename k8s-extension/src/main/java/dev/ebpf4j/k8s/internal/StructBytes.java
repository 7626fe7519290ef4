package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.CodecField;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A codec for an already-encoded C struct: the bytes pass through unchanged, but the declared members let the maps
 * module check the offsets the Java side writes and reads against the object's BTF when a map view is made, so a
 * datapath struct change fails loudly (used by the policy maps and the conntrack sweep).
 */
public final class StructBytes implements Codec<byte[]> {

    private final String name;
    private final Codec<byte[]> bytes;
    private final List<CodecField> fields;

    private StructBytes(String name, int size, List<CodecField> fields) {
        this.name = name;
        this.bytes = Codec.bytes(size);
        this.fields = List.copyOf(fields);
    }

    /**
     * @param name the struct name, for messages
     * @param members alternating member name and size in bytes, in order, without padding between them
     */
    public static StructBytes of(String name, Object... members) {
        List<CodecField> fields = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < members.length; i += 2) {
            int size = (Integer) members[i + 1];
            fields.add(new CodecField((String) members[i], offset, size));
            offset += size;
        }
        return new StructBytes(name, (int) offset, fields);
    }

    @Override
    public int size() {
        return bytes.size();
    }

    @Override
    public int alignment() {
        return 4;
    }

    @Override
    public void encode(byte[] value, MemorySegment dst, long offset) {
        bytes.encode(value, dst, offset);
    }

    @Override
    public byte[] decode(MemorySegment src, long offset) {
        return bytes.decode(src, offset);
    }

    @Override
    public List<CodecField> fields() {
        return fields;
    }

    @Override
    public String describe() {
        return "struct " + name + " (encoded)";
    }
}
