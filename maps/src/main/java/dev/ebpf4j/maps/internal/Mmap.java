package dev.ebpf4j.maps.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A memory mapping of a map fd. The segment belongs to a shared arena that is closed before {@code munmap}, so a
 * stale segment fails with {@link IllegalStateException} instead of touching unmapped memory.
 */
public final class Mmap implements AutoCloseable {
    public static final long PAGE = 4096;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment address;
    private final long length;
    private final MemorySegment segment;
    private boolean closed;

    @SuppressWarnings("restricted")
    private Mmap(MemorySegment address, long length) {
        this.address = address;
        this.length = length;
        this.segment = address.reinterpret(length, arena, null);
    }

    /** Maps an MMAPABLE array read-write, or read-only if it is frozen. */
    public static Mmap mapArray(int fd, String name, long bytes) {
        long len = (bytes + PAGE - 1) / PAGE * PAGE;
        try {
            return map(fd, len, Libc.PROT_READ | Libc.PROT_WRITE, 0, "map mmap " + name);
        } catch (BpfException e) {
            if (e.errno() != Errno.EPERM && e.errno() != Errno.EACCES) throw e;
            return map(fd, len, Libc.PROT_READ, 0, "map mmap " + name);
        }
    }

    /** {@code mmap(NULL, length, prot, MAP_SHARED, fd, offset)}. */
    public static Mmap map(int fd, long length, int prot, long offset, String operation) {
        MemorySegment addr;
        try {
            addr = (MemorySegment) Libc.MMAP.invokeExact(Native.captureSegment(), MemorySegment.NULL, length, prot,
                    Libc.MAP_SHARED, fd, offset);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (addr.address() == -1L) throw BpfException.of(operation, Native.capturedErrno());
        return new Mmap(addr, length);
    }

    public MemorySegment segment() {
        return segment;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
        try {
            int ignored = (int) Libc.MUNMAP.invokeExact(address, length);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
