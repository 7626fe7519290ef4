package dev.ebpf4j.maps;

import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.MapFullException;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.internal.Libc;
import dev.ebpf4j.maps.internal.Mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A user ring buffer ({@code BPF_MAP_TYPE_USER_RINGBUF}, Linux 6.1+): Java produces records, BPF programs consume them
 * with {@code bpf_user_ringbuf_drain}. {@link #maxEntries()} is the data size in bytes, a power of two and a multiple
 * of the page size; each record takes its length plus an 8-byte header, rounded up to 8.
 *
 * {@snippet class=dev.ebpf4j.maps.PackageSnippets region=user-ringbuf}
 *
 * <p>The producer side works on the ring's shared memory, with no syscall: {@link #reserve} claims space and moves the
 * producer position at once, the record is written through {@link Reservation#segment()}, and
 * {@link Reservation#submit()} (or {@link Reservation#discard()}) clears its busy bit. The kernel drains records in
 * order and stops at the first one still busy, so a reservation left open holds back every record after it.
 * {@link #reserve} is synchronized (one producer position); submit and discard may come from any thread. A full ring is
 * a {@link MapFullException} (ENOSPC) from {@link #reserve}, or {@code false} from {@link #offer}: free space returns
 * as the BPF side drains.
 */
public final class UserRingBuffer extends MapBase implements BpfMap {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int HEADER = 8;
    private static final int BUSY = 1 << 31, DISCARD = 1 << 30;

    private final Mmap consumerPage;
    private final Mmap producerPages;
    private final MemorySegment consumer;
    private final MemorySegment producer;
    private final MemorySegment data;
    private final long mask;

    private UserRingBuffer(MapFd map) {
        super(map);
        long size = map.maxEntries();
        Mmap c = null;
        try {
            // The kernel refuses a writable mapping of the consumer page; producer page and data (mapped twice in a row,
            // so a record that wraps stays contiguous) are writable.
            c = Mmap.map(map.fd(), Mmap.PAGE, Libc.PROT_READ, 0, "user ring buffer mmap consumer " + map.name());
            this.producerPages = Mmap.map(map.fd(), Mmap.PAGE + 2 * size, Libc.PROT_READ | Libc.PROT_WRITE, Mmap.PAGE,
                    "user ring buffer mmap producer " + map.name());
        } catch (RuntimeException e) {
            if (c != null) c.close();
            map.close();
            throw e;
        }
        this.consumerPage = c;
        this.consumer = c.segment();
        this.producer = producerPages.segment();
        this.data = producer.asSlice(Mmap.PAGE);
        this.mask = size - 1;
    }

    /** Narrows a map of a loaded object (declared {@code __uint(type, BPF_MAP_TYPE_USER_RINGBUF)}). */
    public static UserRingBuffer of(MapHandle map) {
        return new UserRingBuffer(Narrow.check(map, null, null, MapType.USER_RINGBUF));
    }

    /** Opens a user ring buffer pinned at {@code path}; the view owns the new fd. */
    public static UserRingBuffer openPinned(java.nio.file.Path path) {
        return new UserRingBuffer(Narrow.pinned(path, null, null, MapType.USER_RINGBUF));
    }

    /** Creates a standalone user ring buffer of {@code bytes} bytes (a power of two, at least a page). */
    public static UserRingBuffer create(String name, int bytes) {
        if (bytes < Mmap.PAGE || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("user ring buffer size must be a power of two of at least 4096 bytes, got " + bytes);
        }
        return new UserRingBuffer(MapFd.create(MapSpec.of(MapType.USER_RINGBUF, name, 0, 0, bytes)));
    }

    /** The bytes a record of {@code size} bytes takes in the ring: header included, rounded up to 8. */
    public static long footprint(int size) {
        return (size + HEADER + 7L) / 8 * 8;
    }

    /** Bytes free for new records now (records reserved but not yet drained count as used). */
    public long free() {
        return mask + 1 - ((long) LONG.getAcquire(producer, 0L) - (long) LONG.getAcquire(consumer, 0L));
    }

    /**
     * Claims room for a record of {@code size} bytes; write it through {@link Reservation#segment()} then submit it.
     *
     * @throws MapFullException (ENOSPC) if the ring has less than {@link #footprint(int)} bytes free
     * @throws IllegalArgumentException if the record could never fit (larger than the ring) or {@code size < 0}
     */
    public synchronized Reservation reserve(int size) {
        long at = claim(size);
        if (at < 0) {
            throw new MapFullException("user ring buffer reserve " + name() + " (" + size + "-byte record needs "
                    + footprint(size) + " bytes, " + free() + " free until the BPF side drains)", Errno.ENOSPC);
        }
        return new Reservation(at, size);
    }

    /**
     * Copies {@code record} into the ring and submits it; {@code false}, with nothing written, when the ring is full.
     *
     * @throws IllegalArgumentException if the record is larger than the ring could ever hold
     */
    public boolean offer(byte[] record) {
        Objects.requireNonNull(record, "record");
        long at;
        synchronized (this) {
            at = claim(record.length);
        }
        if (at < 0) return false;
        MemorySegment.copy(record, 0, data, ValueLayout.JAVA_BYTE, at + HEADER, record.length);
        commit(at, false);
        return true;
    }

    /** Reserves {@code footprint(size)} bytes and marks the header busy; the header's position, or -1 when full. */
    private long claim(int size) {
        if (size < 0 || (size & (BUSY | DISCARD)) != 0 || footprint(size) > mask + 1) {
            throw new IllegalArgumentException("a " + size + "-byte record cannot fit user ring buffer " + name() + " of "
                    + (mask + 1) + " bytes (it needs " + footprint(size) + " with its header)");
        }
        long cons = (long) LONG.getAcquire(consumer, 0L);
        long prod = (long) LONG.getAcquire(producer, 0L);
        long total = footprint(size);
        if (mask + 1 - (prod - cons) < total) return -1;
        long at = prod & mask;
        INT.setRelease(data, at, size | BUSY);
        INT.set(data, at + 4, 0);
        LONG.setRelease(producer, 0L, prod + total);
        return at;
    }

    private void commit(long at, boolean discard) {
        int len = (int) INT.getAcquire(data, at);
        int cleared = len & ~BUSY;
        INT.getAndSet(data, at, discard ? cleared | DISCARD : cleared);
    }

    /** Unmaps the ring, then ends the view (closing the fd if it owns it); idempotent. */
    @Override
    public void close() {
        producerPages.close();
        consumerPage.close();
        super.close();
    }

    /** A claimed record: write it through {@link #segment()}, then {@link #submit()} or {@link #discard()} it, once. */
    public final class Reservation {
        private final long at;
        private final MemorySegment segment;
        private boolean done;

        private Reservation(long at, int size) {
            this.at = at;
            this.segment = data.asSlice(at + HEADER, size);
        }

        /** The record's bytes in the ring, valid until submit or discard. */
        public MemorySegment segment() {
            return segment;
        }

        /** Publishes the record to the BPF side. */
        public void submit() {
            finish(false);
        }

        /** Drops the record: the BPF side skips it (it still held its room until drained). */
        public void discard() {
            finish(true);
        }

        private synchronized void finish(boolean discard) {
            if (done) throw new IllegalStateException("this reservation was already submitted or discarded");
            done = true;
            commit(at, discard);
        }
    }
}
