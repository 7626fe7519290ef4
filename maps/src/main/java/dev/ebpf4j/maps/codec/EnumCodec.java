package dev.ebpf4j.maps.codec;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/** An enum as its ordinal in a 1-, 2- or 4-byte unsigned integer; an unknown number decodes to an error. */
final class EnumCodec<E extends Enum<E>> implements Codec<E> {
    private final E[] constants;
    private final IntCodec<?> storage;
    private final String name;

    EnumCodec(Class<E> type, int bytes) {
        this.constants = type.getEnumConstants();
        this.name = type.getSimpleName();
        this.storage = switch (bytes) {
            case 1 -> IntCodec.U8;
            case 2 -> IntCodec.U16;
            case 4 -> IntCodec.U32;
            default -> throw new IllegalArgumentException("enum width must be 1, 2 or 4 bytes, got " + bytes);
        };
    }

    @Override public int size() { return storage.size(); }
    @Override public int alignment() { return storage.alignment(); }
    @Override public List<CodecField> fields() { return storage.fields(); }
    @Override public String describe() { return "enum " + name + " as " + storage.describe(); }

    @Override
    public void encode(E value, MemorySegment dst, long offset) {
        storage.encodeLong(Objects.requireNonNull(value, () -> "enum " + name + " value is null").ordinal(), dst, offset);
    }

    @Override
    public E decode(MemorySegment src, long offset) {
        long v = storage.decodeLong(src, offset);
        if (v >= constants.length) throw new IllegalArgumentException("value " + v + " is not an ordinal of enum " + name);
        return constants[(int) v];
    }
}
