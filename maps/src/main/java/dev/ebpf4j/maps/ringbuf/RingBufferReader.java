package dev.ebpf4j.maps.ringbuf;

import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.internal.Libc;
import dev.ebpf4j.maps.internal.Mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads records from one or more BPF ring buffers, consuming them straight from shared memory as the kernel's
 * protocol prescribes: acquire-load the producer position and each record header, skip discarded records, stop at a
 * record still being written (busy bit), release-store the consumer position after each record.
 *
 * {@snippet :
 * try (RingBufferReader reader = RingBufferReader.of(flows, drops)) {   // one epoll set for both
 *     while (running) {
 *         reader.poll(Duration.ofMillis(200), (source, record) -> {
 *             long ts = record.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
 *         });
 *     }
 * }
 * }
 *
 * <p>One thread polls at a time (calls are serialized). {@link #close()} may be called from any other thread: it wakes
 * a blocked {@link #poll}, waits for it to return, then unmaps the buffers.
 */
public final class RingBufferReader extends PollingReader {
    private static final int BUSY = 1 << 31, DISCARD = 1 << 30, HEADER = 8;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final List<Ring> rings = new ArrayList<>();

    private record Ring(Mmap consumer, Mmap producer, MemorySegment cons, MemorySegment prod, MemorySegment data,
                        MemorySegment readOnlyData, long mask) {}

    private RingBufferReader(List<RingBuffer> buffers) {
        try {
            for (int i = 0; i < buffers.size(); i++) {
                RingBuffer rb = Objects.requireNonNull(buffers.get(i), "ring buffer");
                long size = rb.maxEntries();
                Mmap c = Mmap.map(rb.fd(), Mmap.PAGE, Libc.PROT_READ | Libc.PROT_WRITE, 0, "ring buffer mmap consumer " + rb.name());
                Mmap p;
                try {
                    // Data is mapped twice in a row so a record that wraps is still contiguous.
                    p = Mmap.map(rb.fd(), Mmap.PAGE + 2 * size, Libc.PROT_READ, Mmap.PAGE, "ring buffer mmap producer " + rb.name());
                } catch (RuntimeException e) {
                    c.close();
                    throw e;
                }
                MemorySegment data = p.segment().asSlice(Mmap.PAGE);
                rings.add(new Ring(c, p, c.segment(), p.segment(), data, data.asReadOnly(), size - 1));
                loop.add(rb.fd(), i);
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** A reader over these ring buffers, in one epoll set; the {@code source} of a record is its index here. */
    public static RingBufferReader of(RingBuffer... buffers) {
        if (buffers.length == 0) throw new IllegalArgumentException("give at least one ring buffer");
        return new RingBufferReader(List.of(buffers));
    }

    /**
     * {@link #poll(Duration, RecordHandler)} handing each record over as a position in the buffer rather than as a
     * segment of its own: no object per record, whatever the handler does.
     */
    public int poll(Duration timeout, RecordSliceHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return pollWith(timeout, max -> drainSlices(handler, max));
    }

    /** {@link #drain(RecordHandler, int)} handing each record over as a position in the buffer. */
    public int drain(RecordSliceHandler handler, int max) {
        Objects.requireNonNull(handler, "handler");
        return drainWith(max, m -> drainSlices(handler, m));
    }

    /** Bytes produced but not yet consumed, summed over the buffers. */
    public long pending() {
        long sum = 0;
        for (Ring r : rings) sum += (long) LONG.getAcquire(r.prod, 0L) - (long) LONG.getAcquire(r.cons, 0L);
        return sum;
    }

    @Override
    int drainLocked(RecordHandler handler, int max) {
        int count = 0;
        for (int i = 0; i < rings.size() && count < max; i++) count += drainRing(i, rings.get(i), handler, max - count);
        return count;
    }

    private static int drainRing(int source, Ring r, RecordHandler handler, int max) {
        int count = 0;
        long cons = (long) LONG.getAcquire(r.cons, 0L);
        long prod = (long) LONG.getAcquire(r.prod, 0L);
        while (cons < prod && count < max) {
            long off = cons & r.mask;
            int len = (int) INT.getAcquire(r.data, off);
            if ((len & BUSY) != 0) break;
            int size = len & ~(BUSY | DISCARD);
            long next = cons + ((size + HEADER + 7) & ~7L);
            try {
                if ((len & DISCARD) == 0) {
                    count++;
                    handler.onRecord(source, r.data.asSlice(off + HEADER, size).asReadOnly());
                }
            } finally {
                LONG.setRelease(r.cons, 0L, next);
            }
            cons = next;
            if (cons >= prod) prod = (long) LONG.getAcquire(r.prod, 0L);
        }
        return count;
    }

    private int drainSlices(RecordSliceHandler handler, int max) {
        int count = 0;
        for (int i = 0; i < rings.size() && count < max; i++) count += drainRing(i, rings.get(i), handler, max - count);
        return count;
    }

    // The loop of drainRing above, with the slice handler: kept separate so that each call site stays monomorphic.
    private static int drainRing(int source, Ring r, RecordSliceHandler handler, int max) {
        int count = 0;
        long cons = (long) LONG.getAcquire(r.cons, 0L);
        long prod = (long) LONG.getAcquire(r.prod, 0L);
        while (cons < prod && count < max) {
            long off = cons & r.mask;
            int len = (int) INT.getAcquire(r.data, off);
            if ((len & BUSY) != 0) break;
            int size = len & ~(BUSY | DISCARD);
            long next = cons + ((size + HEADER + 7) & ~7L);
            try {
                if ((len & DISCARD) == 0) {
                    count++;
                    handler.onRecord(source, r.readOnlyData, off + HEADER, size);
                }
            } finally {
                LONG.setRelease(r.cons, 0L, next);
            }
            cons = next;
            if (cons >= prod) prod = (long) LONG.getAcquire(r.prod, 0L);
        }
        return count;
    }

    @Override
    void release() {
        for (Ring r : rings) {
            r.consumer.close();
            r.producer.close();
        }
        rings.clear();
        loop.close();
    }
}
