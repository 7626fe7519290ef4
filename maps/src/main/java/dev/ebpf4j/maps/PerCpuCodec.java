package dev.ebpf4j.maps;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.CodecField;
import dev.ebpf4j.maps.internal.Scratch;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A per-CPU value as the syscall side sees it: one element per possible CPU, each at an 8-byte-aligned stride
 * (the kernel copies {@code round_up(value_size, 8)} bytes per CPU).
 */
final class PerCpuCodec<V> implements Codec<List<V>> {
    private final Codec<V> element;
    private final int cpus;
    private final long stride;

    PerCpuCodec(Codec<V> element, int cpus) {
        this.element = Objects.requireNonNull(element, "value codec");
        this.cpus = cpus;
        this.stride = Scratch.align8(element.size());
    }

    Codec<V> element() { return element; }

    int cpus() { return cpus; }

    @Override public int size() { return (int) (stride * cpus); }
    @Override public int alignment() { return 8; }
    @Override public List<CodecField> fields() { return element.fields(); }
    @Override public String describe() { return element.describe() + " per CPU (" + cpus + ")"; }

    @Override
    public void encode(List<V> value, MemorySegment dst, long offset) {
        Objects.requireNonNull(value, "per-CPU value list is null");
        if (value.size() != cpus) {
            throw new IllegalArgumentException("per-CPU value list has " + value.size() + " elements but there are "
                    + cpus + " possible CPUs; use one element per CPU");
        }
        for (int i = 0; i < cpus; i++) {
            dst.asSlice(offset + i * stride, stride).fill((byte) 0);
            element.encode(value.get(i), dst, offset + i * stride);
        }
    }

    @Override
    public List<V> decode(MemorySegment src, long offset) {
        List<V> out = new ArrayList<>(cpus);
        for (int i = 0; i < cpus; i++) out.add(element.decode(src, offset + i * stride));
        return Collections.unmodifiableList(out);
    }
}
