package dev.ebpf4j.maps.sim;

import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.MapFullException;
import dev.ebpf4j.maps.PushPopMap;
import dev.ebpf4j.maps.codec.Codec;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/** SIMULATION of queue (FIFO) and stack (LIFO) maps; values are stored encoded, as in the kernel. */
final class SimulatedPushPop<V> implements PushPopMap<V> {
    private final String name;
    private final int capacity;
    private final Codec<V> codec;
    private final boolean fifo;
    private final ArrayDeque<byte[]> items = new ArrayDeque<>();
    private boolean closed;

    SimulatedPushPop(String name, int capacity, Codec<V> codec, boolean fifo) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        this.name = Objects.requireNonNull(name, "name");
        this.capacity = capacity;
        this.codec = Objects.requireNonNull(codec, "codec");
        this.fifo = fifo;
    }

    @Override public String name() { return name; }
    @Override public int maxEntries() { return capacity; }

    private byte[] encode(V value) {
        if (closed) throw new IllegalStateException("simulated map '" + name + "' is closed");
        Objects.requireNonNull(value, "value is null");
        byte[] b = new byte[codec.size()];
        codec.encode(value, MemorySegment.ofArray(b), 0);
        return b;
    }

    @Override
    public synchronized void push(V value) {
        byte[] b = encode(value);
        if (items.size() >= capacity) throw new MapFullException("map update " + name, Errno.E2BIG);
        items.addLast(b);
    }

    @Override
    public synchronized void pushOverwriting(V value) {
        byte[] b = encode(value);
        // The kernel drops the oldest element for both queues and stacks.
        if (items.size() >= capacity) items.removeFirst();
        items.addLast(b);
    }

    @Override
    public synchronized Optional<V> pop() {
        if (closed) throw new IllegalStateException("simulated map '" + name + "' is closed");
        byte[] b = fifo ? items.pollFirst() : items.pollLast();
        return b == null ? Optional.empty() : Optional.of(codec.decode(MemorySegment.ofArray(b), 0));
    }

    @Override
    public synchronized Optional<V> peek() {
        if (closed) throw new IllegalStateException("simulated map '" + name + "' is closed");
        byte[] b = fifo ? items.peekFirst() : items.peekLast();
        return b == null ? Optional.empty() : Optional.of(codec.decode(MemorySegment.ofArray(b), 0));
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
