package dev.ebpf4j.maps.ringbuf;

import java.time.Duration;

/**
 * Where records come from: a {@link RingBufferReader}, a {@link PerfBufferReader}, or a
 * {@link dev.ebpf4j.maps.sim.SimulatedRingBuffer} in tests without a kernel.
 *
 * {@snippet :
 * void consume(RecordSource source) {
 *     source.poll(Duration.ofMillis(100), (src, record) -> handle(record));
 * }
 * }
 */
public interface RecordSource extends AutoCloseable {
    /** Consumes available records, or waits up to {@code timeout} for some; returns how many were handed over. */
    int poll(Duration timeout, RecordHandler handler);

    /** Consumes at most {@code max} available records without waiting; returns how many. */
    int drain(RecordHandler handler, int max);

    /** Stops the source; safe from another thread. Idempotent. */
    @Override
    void close();
}
