package dev.ebpf4j.maps.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;

/** A fixed-length byte array ({@code __u8 x[N]}); encoding a different length is an error, not a silent truncation. */
final class BytesCodec implements Codec<byte[]> {
    private final int length;

    BytesCodec(int length) {
        if (length <= 0) throw new IllegalArgumentException("byte array length must be positive, got " + length);
        this.length = length;
    }

    @Override public int size() { return length; }
    @Override public int alignment() { return 1; }
    @Override public List<CodecField> fields() { return List.of(new CodecField("", 0, length)); }
    @Override public String describe() { return "u8[" + length + "]"; }

    @Override
    public void encode(byte[] value, MemorySegment dst, long offset) {
        Objects.requireNonNull(value, "byte array is null");
        if (value.length != length) {
            throw new IllegalArgumentException("byte array has " + value.length + " bytes, codec " + describe() + " needs exactly " + length);
        }
        MemorySegment.copy(value, 0, dst, ValueLayout.JAVA_BYTE, offset, length);
    }

    @Override
    public byte[] decode(MemorySegment src, long offset) {
        byte[] b = new byte[length];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, b, 0, length);
        return b;
    }
}
