package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.CodecField;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A codec for an already-encoded C struct: the bytes pass through unchanged, but the declared members let the maps
 * module check {@link PolicyMapLayout}'s offsets against the object's BTF when a map view is made.
 */
final class StructBytes implements Codec<byte[]> {

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
    static StructBytes of(String name, Object... members) {
        List<CodecField> fields = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < members.length; i += 2) {
            int size = (Integer) members[i + 1];
            fields.add(new CodecField((String) members[i], offset, size));
            offset += size;
        }
        return new StructBytes(name, (int) offset, fields);
    }

    static final StructBytes ENDPOINT_KEY = of("policy_endpoint_key", "addr", 16);
    static final StructBytes ENDPOINT = of("policy_endpoint", "endpoint_id", 4, "identity", 4, "flags", 4);
    static final StructBytes IPCACHE_KEY = of("policy_ipcache_key", "prefixlen", 4, "addr", 16);
    static final StructBytes IPCACHE_VALUE = of("policy_ipcache_value", "identity", 4, "cidr_identity", 4);
    static final StructBytes POLICY_KEY = of("policy_key", "prefixlen", 4, "endpoint", 4, "identity", 4,
            "direction", 1, "protocol", 1, "dport", 2);
    static final StructBytes POLICY_VALUE = of("policy_value", "rule_id", 4);
    static final StructBytes CT_KEY = of("policy_ct_key", "saddr", 16, "daddr", 16, "sport", 2, "dport", 2,
            "protocol", 1, "direction", 1, "pad", 2);
    static final StructBytes CT_VALUE = of("policy_ct_value", "last_seen_ns", 8, "revision", 4, "rule_id", 4);
    static final StructBytes CONFIG = of("policy_config", "revision", 4, "flags", 4);

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
