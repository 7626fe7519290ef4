package dev.ebpf4j.maps;

import java.util.Optional;

/**
 * Push/pop/peek over a queue (FIFO) or stack (LIFO), implemented by {@link QueueMap}, {@link StackMap} and their
 * simulations.
 *
 * {@snippet :
 * try (QueueMap<Long> q = QueueMap.create("work", 16, Codec.s64())) {
 *     q.push(1L);
 *     q.push(2L);
 *     q.pop();   // Optional[1]
 * }
 * }
 *
 * @param <V> element type
 */
public interface PushPopMap<V> extends AutoCloseable {
    /** The map's name. */
    String name();

    /** Capacity. */
    int maxEntries();

    /** Adds an element; {@link dev.ebpf4j.core.MapFullException} when full. */
    void push(V value);

    /** Adds an element; when full, drops the oldest element (the kernel's {@code BPF_EXIST}) instead of failing. */
    void pushOverwriting(V value);

    /** Removes and returns the next element (oldest for a queue, newest for a stack), or empty. */
    Optional<V> pop();

    /** Returns the next element without removing it, or empty. */
    Optional<V> peek();

    /** Releases the map. Idempotent. */
    @Override
    void close();
}
