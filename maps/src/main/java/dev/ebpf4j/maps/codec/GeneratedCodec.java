package dev.ebpf4j.maps.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;

/**
 * Base class of the record codecs that {@link Codec#of(Class)} generates at run time. Public only because the
 * generated subclass lives in the record's own package; do not extend it.
 *
 * @param <T> the record type
 */
public abstract class GeneratedCodec<T> implements Codec<T> {
    private RecordShape shape;

    /** For generated subclasses only. */
    protected GeneratedCodec() {}

    final void init(RecordShape shape) {
        this.shape = shape;
    }

    @Override public final int size() { return shape.size(); }
    @Override public final int alignment() { return shape.alignment(); }
    @Override public final List<CodecField> fields() { return shape.fields(); }
    @Override public final String describe() { return "record " + shape.type().getSimpleName(); }
    @Override public final String toString() { return "Codec[" + describe() + ", " + shape.size() + " B]"; }

    @Override
    public final void encode(T value, MemorySegment dst, long offset) {
        Objects.requireNonNull(value, () -> describe() + " value is null");
        Objects.checkFromIndexSize(offset, shape.size(), dst.byteSize());
        encodeFields(value, dst, offset);
    }

    @Override
    @SuppressWarnings("unchecked")
    public final T decode(MemorySegment src, long offset) {
        Objects.checkFromIndexSize(offset, shape.size(), src.byteSize());
        return (T) decodeFields(src, offset);
    }

    /** Generated: writes every component and zeroes the padding. */
    protected abstract void encodeFields(Object value, MemorySegment dst, long offset);

    /** Generated: reads every component and calls the canonical constructor. */
    protected abstract Object decodeFields(MemorySegment src, long offset);

    /** Zeroes padding so equal records always encode to equal bytes (hash map keys depend on it). */
    protected static void zero(MemorySegment dst, long offset, long length) {
        for (long i = 0; i < length; i++) dst.set(ValueLayout.JAVA_BYTE, offset + i, (byte) 0);
    }
}
