package dev.ebpf4j.maps.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/** The integer codecs. One subclass per width and order so each call site stays monomorphic. */
abstract sealed class IntCodec<T> implements PrimitiveCodec<T> {
    static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static final IntCodec<Integer> U8 = new OneByte<>("u8", 0, 255) {
        public Integer box(long v) { return (int) check(v); }
        public long unbox(Integer v) { return v; }
    };
    static final IntCodec<Byte> S8 = new OneByte<>("s8", Byte.MIN_VALUE, Byte.MAX_VALUE) {
        public Byte box(long v) { return (byte) check(v); }
        public long unbox(Byte v) { return v; }
    };
    static final IntCodec<Integer> U16 = new TwoBytes<>("u16", 0, 65535, false) {
        public Integer box(long v) { return (int) check(v); }
        public long unbox(Integer v) { return v; }
    };
    static final IntCodec<Short> S16 = new TwoBytes<>("s16", Short.MIN_VALUE, Short.MAX_VALUE, false) {
        public Short box(long v) { return (short) check(v); }
        public long unbox(Short v) { return v; }
    };
    static final IntCodec<Integer> BE16 = new TwoBytes<>("u16 (network order)", 0, 65535, true) {
        public Integer box(long v) { return (int) check(v); }
        public long unbox(Integer v) { return v; }
    };
    static final IntCodec<Long> U32 = new FourBytes<>("u32", 0, 0xFFFF_FFFFL, false) {
        public Long box(long v) { return check(v); }
        public long unbox(Long v) { return v; }
    };
    static final IntCodec<Integer> S32 = new FourBytes<>("s32", Integer.MIN_VALUE, Integer.MAX_VALUE, false) {
        public Integer box(long v) { return (int) check(v); }
        public long unbox(Integer v) { return v; }
    };
    static final IntCodec<Long> BE32 = new FourBytes<>("u32 (network order)", 0, 0xFFFF_FFFFL, true) {
        public Long box(long v) { return check(v); }
        public long unbox(Long v) { return v; }
    };
    static final IntCodec<Long> U64 = new EightBytes("u64");
    static final IntCodec<Long> S64 = new EightBytes("s64");

    private final String name;
    private final long min, max;
    private final int size;

    private IntCodec(String name, int size, long min, long max) {
        this.name = name;
        this.size = size;
        this.min = min;
        this.max = max;
    }

    final long check(long v) {
        if (v < min || v > max) throw new IllegalArgumentException("value " + v + " does not fit " + name + " (" + min + ".." + max + ")");
        return v;
    }

    @Override public final int size() { return size; }
    @Override public final int alignment() { return size; }
    @Override public final String describe() { return name; }
    @Override public final List<CodecField> fields() { return List.of(new CodecField("", 0, size)); }
    @Override public final String toString() { return "Codec[" + name + "]"; }

    @Override
    public final void encode(T value, MemorySegment dst, long offset) {
        encodeLong(unbox(Objects.requireNonNull(value, () -> name + " value is null")), dst, offset);
    }

    @Override
    public final T decode(MemorySegment src, long offset) {
        return box(decodeLong(src, offset));
    }

    private abstract static non-sealed class OneByte<T> extends IntCodec<T> {
        private final boolean signed;
        OneByte(String name, long min, long max) { super(name, 1, min, max); signed = min < 0; }
        public void encodeLong(long v, MemorySegment dst, long off) { dst.set(ValueLayout.JAVA_BYTE, off, (byte) check(v)); }
        public long decodeLong(MemorySegment src, long off) {
            byte b = src.get(ValueLayout.JAVA_BYTE, off);
            return signed ? b : b & 0xFF;
        }
    }

    private abstract static non-sealed class TwoBytes<T> extends IntCodec<T> {
        private final ValueLayout.OfShort layout;
        private final boolean signed;
        TwoBytes(String name, long min, long max, boolean network) {
            super(name, 2, min, max);
            layout = network ? BE_SHORT : ValueLayout.JAVA_SHORT_UNALIGNED;
            signed = min < 0;
        }
        public void encodeLong(long v, MemorySegment dst, long off) { dst.set(layout, off, (short) check(v)); }
        public long decodeLong(MemorySegment src, long off) {
            short s = src.get(layout, off);
            return signed ? s : s & 0xFFFF;
        }
    }

    private abstract static non-sealed class FourBytes<T> extends IntCodec<T> {
        private final ValueLayout.OfInt layout;
        private final boolean signed;
        FourBytes(String name, long min, long max, boolean network) {
            super(name, 4, min, max);
            layout = network ? BE_INT : ValueLayout.JAVA_INT_UNALIGNED;
            signed = min < 0;
        }
        public void encodeLong(long v, MemorySegment dst, long off) { dst.set(layout, off, (int) check(v)); }
        public long decodeLong(MemorySegment src, long off) {
            int i = src.get(layout, off);
            return signed ? i : i & 0xFFFF_FFFFL;
        }
    }

    private static final class EightBytes extends IntCodec<Long> {
        EightBytes(String name) { super(name, 8, Long.MIN_VALUE, Long.MAX_VALUE); }
        public void encodeLong(long v, MemorySegment dst, long off) { dst.set(ValueLayout.JAVA_LONG_UNALIGNED, off, v); }
        public long decodeLong(MemorySegment src, long off) { return src.get(ValueLayout.JAVA_LONG_UNALIGNED, off); }
        public Long box(long v) { return v; }
        public long unbox(Long v) { return v; }
    }
}
