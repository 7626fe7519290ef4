package dev.ebpf4j.maps.ringbuf;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What both readers share: one poller at a time, an epoll set to wait on, and a {@link #close()} that may come from
 * any thread (it wakes a blocked {@link #poll}, waits for it to return, then frees the buffers).
 */
abstract sealed class PollingReader implements RecordSource permits RingBufferReader, PerfBufferReader {
    final EventLoop loop = new EventLoop();
    private final ReentrantLock polling = new ReentrantLock();
    private volatile boolean closed;

    /** Consumes at most {@code max} available records; called with the polling lock held and the reader open. */
    abstract int drainLocked(RecordHandler handler, int max);

    /** Frees the buffers and the event loop; called once, with the polling lock held (or from a failed constructor). */
    abstract void release();

    /**
     * Consumes available records; when there are none, waits up to {@code timeout} for some. Returns the number of
     * records handed to {@code handler} (0 on timeout, or once the reader is closed).
     */
    @Override
    public final int poll(Duration timeout, RecordHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return pollWith(timeout, max -> drainLocked(handler, max));
    }

    /** Draining step of {@link #pollWith}: consumes at most {@code max} records with the polling lock held. */
    interface Drain {
        int drain(int max);
    }

    /** {@link #poll} for any way of handing records over. */
    final int pollWith(Duration timeout, Drain drain) {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        polling.lock();
        try {
            if (closed) return 0;
            int n = drain.drain(Integer.MAX_VALUE);
            if (n > 0) return n;
            loop.await(ms);
            return closed ? 0 : drain.drain(Integer.MAX_VALUE);
        } finally {
            polling.unlock();
        }
    }

    /** Consumes what is available now, at most {@code max} records, without waiting; returns how many. */
    @Override
    public final int drain(RecordHandler handler, int max) {
        Objects.requireNonNull(handler, "handler");
        return drainWith(max, m -> drainLocked(handler, m));
    }

    /** {@link #drain} for any way of handing records over. */
    final int drainWith(int max, Drain drain) {
        polling.lock();
        try {
            return closed ? 0 : drain.drain(max);
        } finally {
            polling.unlock();
        }
    }

    /** Stops the reader: wakes a blocked poll from another thread, waits for it, and frees the buffers. Idempotent. */
    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        loop.wakeUp();
        polling.lock();
        try {
            release();
        } finally {
            polling.unlock();
        }
    }
}
