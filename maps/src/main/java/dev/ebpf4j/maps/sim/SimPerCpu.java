package dev.ebpf4j.maps.sim;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.CodecField;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** Per-CPU values for the simulation: a list of exactly {@code cpus} elements, stored back to back. */
final class SimPerCpu<V> implements Codec<List<V>> {
    private final Codec<V> element;
    private final int cpus;

    SimPerCpu(Codec<V> element, int cpus) {
        if (cpus <= 0) throw new IllegalArgumentException("cpus must be positive, got " + cpus);
        this.element = element;
        this.cpus = cpus;
    }

    @Override public int size() { return element.size() * cpus; }
    @Override public int alignment() { return element.alignment(); }
    @Override public List<CodecField> fields() { return element.fields(); }
    @Override public String describe() { return element.describe() + " per CPU (" + cpus + ")"; }

    @Override
    public void encode(List<V> value, MemorySegment dst, long offset) {
        Objects.requireNonNull(value, "per-CPU value list is null");
        if (value.size() != cpus) {
            throw new IllegalArgumentException("per-CPU value list has " + value.size() + " elements but there are "
                    + cpus + " possible CPUs; use one element per CPU");
        }
        for (int i = 0; i < cpus; i++) element.encode(value.get(i), dst, offset + (long) i * element.size());
    }

    @Override
    public List<V> decode(MemorySegment src, long offset) {
        List<V> out = new ArrayList<>(cpus);
        for (int i = 0; i < cpus; i++) out.add(element.decode(src, offset + (long) i * element.size()));
        return Collections.unmodifiableList(out);
    }
}
