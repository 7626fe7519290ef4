package dev.ebpf4j.maps.sim;

import dev.ebpf4j.maps.BloomFilter;
import dev.ebpf4j.maps.codec.Codec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/** SIMULATION of a bloom filter map: exact membership, which is one of the answers a real filter may give. */
final class SimulatedBloomFilter<V> implements BloomFilter<V> {
    private final Codec<V> codec;
    private final Set<ByteBuffer> added = new HashSet<>();
    private boolean closed;

    SimulatedBloomFilter(Codec<V> codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    private ByteBuffer encode(V value) {
        if (closed) throw new IllegalStateException("simulated bloom filter is closed");
        Objects.requireNonNull(value, "value is null");
        byte[] b = new byte[codec.size()];
        codec.encode(value, MemorySegment.ofArray(b), 0);
        return ByteBuffer.wrap(b);
    }

    @Override
    public synchronized void add(V value) {
        added.add(encode(value));
    }

    @Override
    public synchronized boolean mightContain(V value) {
        return added.contains(encode(value));
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
