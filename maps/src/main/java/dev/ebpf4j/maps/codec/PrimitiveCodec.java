package dev.ebpf4j.maps.codec;

import java.lang.foreign.MemorySegment;

/**
 * An integer codec that can also read and write a primitive {@code long}, so typed maps can offer boxing-free
 * {@code getLong}/{@code putLong} methods for allocation-free hot paths.
 *
 * @param <T> the boxed Java type
 */
public sealed interface PrimitiveCodec<T> extends Codec<T> permits IntCodec {
    /** Writes the low {@link #size()} bytes of {@code value}; throws {@link IllegalArgumentException} if it does not fit. */
    void encodeLong(long value, MemorySegment dst, long offset);

    /** Reads the value, sign- or zero-extended as the codec's type says. */
    long decodeLong(MemorySegment src, long offset);

    /** Converts a primitive to this codec's boxed type (after a range check). */
    T box(long value);

    /** Converts this codec's boxed type to a primitive. */
    long unbox(T value);
}
