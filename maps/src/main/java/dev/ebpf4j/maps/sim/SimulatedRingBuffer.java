package dev.ebpf4j.maps.sim;

import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.MapFullException;
import dev.ebpf4j.maps.ringbuf.RecordHandler;
import dev.ebpf4j.maps.ringbuf.RecordSource;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * SIMULATION of a BPF ring buffer and its reader: tests {@link #submit} records where a BPF program would, and
 * code under test consumes them through {@link RecordSource}. Capacity is counted like the kernel's (8-byte header
 * plus the record rounded up to 8 bytes); a record that does not fit is dropped and counted, as
 * {@code bpf_ringbuf_reserve} would fail.
 *
 * {@snippet :
 * SimulatedRingBuffer ring = new SimulatedRingBuffer(4096);
 * ring.submit(new byte[] {1, 2, 3});
 * ring.poll(Duration.ZERO, (source, record) -> assertEquals(3, record.byteSize()));
 * }
 */
public final class SimulatedRingBuffer implements RecordSource {
    private final int capacity;
    private final ArrayDeque<byte[]> records = new ArrayDeque<>();
    private long used, dropped;
    private boolean closed;

    /** A ring of {@code capacity} bytes (a power of two, at least 4096, as the kernel requires). */
    public SimulatedRingBuffer(int capacity) {
        if (capacity < 4096 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring buffer size must be a power of two of at least 4096 bytes, got " + capacity);
        }
        this.capacity = capacity;
    }

    private static long footprint(byte[] r) {
        return 8 + ((r.length + 7) & ~7L);
    }

    /** Submits a record as a BPF program would; false (and counted in {@link #dropped()}) if it does not fit. */
    public synchronized boolean submit(byte[] record) {
        Objects.requireNonNull(record, "record");
        if (closed) throw new IllegalStateException("simulated ring buffer is closed");
        if (used + footprint(record) > capacity) {
            dropped++;
            return false;
        }
        records.addLast(record.clone());
        used += footprint(record);
        notifyAll();
        return true;
    }

    /** Like {@link #submit} but failing loudly, for tests that must not lose records. */
    public void submitOrThrow(byte[] record) {
        if (!submit(record)) throw new MapFullException("ring buffer reserve (simulated)", Errno.ENOSPC);
    }

    /** Records that did not fit. */
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public synchronized int poll(Duration timeout, RecordHandler handler) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.isEmpty() && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return 0;
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        return drain(handler, Integer.MAX_VALUE);
    }

    @Override
    public synchronized int drain(RecordHandler handler, int max) {
        Objects.requireNonNull(handler, "handler");
        int n = 0;
        while (!closed && n < max && !records.isEmpty()) {
            byte[] r = records.pollFirst();
            used -= footprint(r);
            n++;
            handler.onRecord(0, MemorySegment.ofArray(r).asReadOnly());
        }
        return n;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
