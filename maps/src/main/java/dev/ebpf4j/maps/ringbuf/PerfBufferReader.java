package dev.ebpf4j.maps.ringbuf;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.maps.PerfEventArray;
import dev.ebpf4j.maps.internal.Cpus;
import dev.ebpf4j.maps.internal.Libc;
import dev.ebpf4j.maps.internal.Mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads {@code bpf_perf_event_output} records from a {@link PerfEventArray}: opens one software
 * {@code BPF_OUTPUT} perf event per possible CPU, maps its ring, installs it in the array, and consumes records
 * with the perf protocol (acquire {@code data_head}, release {@code data_tail}). Lost-sample records are counted in
 * {@link #lostSamples()}.
 *
 * {@snippet :
 * try (PerfBufferReader reader = PerfBufferReader.open(PerfEventArray.of(obj.map("events")), 8)) {
 *     reader.poll(Duration.ofMillis(100), (cpu, record) -> handle(record));
 *     long lost = reader.lostSamples();
 * }
 * }
 *
 * <p>A record's {@code source} is the CPU it was written on; its size is the raw sample size, which the kernel pads
 * to keep 8-byte alignment. A record that wraps around the end of a CPU's ring is copied once into a reader buffer;
 * others are zero-copy views. {@link #close()} may be called from another thread, as for {@link RingBufferReader}.
 */
public final class PerfBufferReader extends PollingReader {
    private static final int PERF_TYPE_SOFTWARE = 1, PERF_COUNT_SW_BPF_OUTPUT = 10, ATTR_SIZE = 112;
    private static final long PERF_SAMPLE_RAW = 1 << 10, PERF_FLAG_FD_CLOEXEC = 8;
    private static final int RECORD_LOST = 2, RECORD_SAMPLE = 9;
    private static final long DATA_HEAD = 1024, DATA_TAIL = 1032;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private record Cpu(int cpu, int fd, Mmap mapping, MemorySegment meta, MemorySegment data) {}

    private final PerfEventArray array;
    private final List<Cpu> cpus = new ArrayList<>();
    private final AtomicLong lost = new AtomicLong();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment wrapBuffer;

    private PerfBufferReader(PerfEventArray array, int pages) {
        this.array = array;
        long dataSize = (long) pages * Mmap.PAGE;
        this.wrapBuffer = arena.allocate(dataSize, 8);
        try {
            int n = Math.min(Cpus.possible(), array.maxEntries());
            for (int cpu = 0; cpu < n; cpu++) {
                int fd = openEvent(cpu);
                if (fd < 0) continue; // an offline CPU
                Mmap m;
                try {
                    m = Mmap.map(fd, Mmap.PAGE + dataSize, Libc.PROT_READ | Libc.PROT_WRITE, 0, "perf buffer mmap cpu " + cpu);
                } catch (RuntimeException e) {
                    Libc.close(fd);
                    throw e;
                }
                cpus.add(new Cpu(cpu, fd, m, m.segment(), m.segment().asSlice(Mmap.PAGE, dataSize)));
                array.set(cpu, fd);
                loop.add(fd, cpu);
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /**
     * Opens per-CPU buffers of {@code pagesPerCpu} pages (a power of two) for {@code array}.
     *
     * @throws dev.ebpf4j.core.PermissionException without CAP_PERFMON (or CAP_SYS_ADMIN)
     */
    public static PerfBufferReader open(PerfEventArray array, int pagesPerCpu) {
        Objects.requireNonNull(array, "array");
        if (pagesPerCpu <= 0 || Integer.bitCount(pagesPerCpu) != 1) {
            throw new IllegalArgumentException("pages per CPU must be a power of two, got " + pagesPerCpu);
        }
        return new PerfBufferReader(array, pagesPerCpu);
    }

    private static int openEvent(int cpu) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, PERF_TYPE_SOFTWARE);
            attr.set(ValueLayout.JAVA_INT, 4, ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 8, PERF_COUNT_SW_BPF_OUTPUT);
            attr.set(ValueLayout.JAVA_LONG, 16, 1);            // sample_period
            attr.set(ValueLayout.JAVA_LONG, 24, PERF_SAMPLE_RAW); // sample_type
            attr.set(ValueLayout.JAVA_INT, 48, 1);             // wakeup_events
            long fd = (long) Libc.SYSCALL5.invokeExact(Native.captureSegment(), Libc.SYS_PERF_EVENT_OPEN, attr, -1, cpu, -1,
                    PERF_FLAG_FD_CLOEXEC);
            if (fd >= 0) return (int) fd;
            int errno = Native.capturedErrno();
            if (errno == Errno.ENODEV) return -1;
            throw BpfException.of("perf_event_open cpu " + cpu, errno);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Samples the kernel dropped because a CPU's buffer was full, summed since open. */
    public long lostSamples() {
        return lost.get();
    }

    @Override
    int drainLocked(RecordHandler handler, int max) {
        int count = 0;
        for (int i = 0; i < cpus.size() && count < max; i++) count += drainCpu(cpus.get(i), handler, max - count);
        return count;
    }

    private int drainCpu(Cpu c, RecordHandler handler, int max) {
        long size = c.data.byteSize();
        long head = (long) LONG.getAcquire(c.meta, DATA_HEAD);
        long tail = (long) LONG.get(c.meta, DATA_TAIL);
        int count = 0;
        while (tail < head && count < max) {
            long off = tail % size;
            int recordSize = Short.toUnsignedInt(c.data.get(ValueLayout.JAVA_SHORT_UNALIGNED, (off + 6) % size));
            MemorySegment rec;
            if (off + recordSize <= size) {
                rec = c.data.asSlice(off, recordSize);
            } else {
                long first = size - off;
                MemorySegment.copy(c.data, off, wrapBuffer, 0, first);
                MemorySegment.copy(c.data, 0, wrapBuffer, first, recordSize - first);
                rec = wrapBuffer.asSlice(0, recordSize);
            }
            int type = rec.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
            try {
                if (type == RECORD_SAMPLE) {
                    int raw = rec.get(ValueLayout.JAVA_INT_UNALIGNED, 8);
                    count++;
                    handler.onRecord(c.cpu, rec.asSlice(12, Math.min(raw, recordSize - 12)).asReadOnly());
                } else if (type == RECORD_LOST) {
                    lost.addAndGet(rec.get(ValueLayout.JAVA_LONG_UNALIGNED, 16));
                }
            } finally {
                tail += recordSize;
                LONG.setRelease(c.meta, DATA_TAIL, tail);
            }
            if (recordSize == 0) break; // never spin on a corrupt header
        }
        return count;
    }

    @Override
    void release() {
        for (Cpu c : cpus) {
            if (!array.isClosed()) {
                try {
                    array.clear(c.cpu);
                } catch (RuntimeException ignored) {
                    // the slot may already be gone; closing the event fd below detaches it anyway
                }
            }
            c.mapping.close();
            Libc.close(c.fd);
        }
        cpus.clear();
        loop.close();
        arena.close();
    }
}
