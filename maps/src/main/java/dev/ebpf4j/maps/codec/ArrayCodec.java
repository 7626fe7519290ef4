package dev.ebpf4j.maps.codec;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** A fixed-size C array of any element codec, as an unmodifiable list. */
final class ArrayCodec<E> implements Codec<List<E>> {
    private final Codec<E> element;
    private final int length;
    private final long stride;

    ArrayCodec(Codec<E> element, int length) {
        if (length <= 0) throw new IllegalArgumentException("array length must be positive, got " + length);
        this.element = Objects.requireNonNull(element, "element codec");
        this.length = length;
        this.stride = Layout.alignUp(element.size(), element.alignment());
    }

    @Override public int size() { return (int) (stride * length); }
    @Override public int alignment() { return element.alignment(); }
    @Override public String describe() { return element.describe() + "[" + length + "]"; }

    @Override
    public List<CodecField> fields() {
        // One leaf for the whole array: BTF describes arrays as one member too.
        return List.of(new CodecField("", 0, size()));
    }

    @Override
    public void encode(List<E> value, MemorySegment dst, long offset) {
        Objects.requireNonNull(value, "array value is null");
        if (value.size() != length) {
            throw new IllegalArgumentException("list has " + value.size() + " elements, codec " + describe() + " needs exactly " + length);
        }
        for (int i = 0; i < length; i++) element.encode(value.get(i), dst, offset + i * stride);
    }

    @Override
    public List<E> decode(MemorySegment src, long offset) {
        List<E> out = new ArrayList<>(length);
        for (int i = 0; i < length; i++) out.add(element.decode(src, offset + i * stride));
        return Collections.unmodifiableList(out);
    }
}
