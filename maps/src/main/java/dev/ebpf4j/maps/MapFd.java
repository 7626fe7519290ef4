package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.KeyExistsException;
import dev.ebpf4j.core.KeyNotFoundException;
import dev.ebpf4j.core.MapFullException;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.maps.internal.Libc;
import dev.ebpf4j.maps.internal.MapCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A map's fd and definition, owned (standalone map: closed with the view) or borrowed (from a {@link MapHandle},
 * whose object owns it). The raw element operations return kernel results; the typed classes turn them into
 * Optional results and exceptions.
 */
final class MapFd {
    private final String name;
    private final MapType type;
    private final int keySize, valueSize, maxEntries, flags;
    private final int fd;
    private final MapHandle borrowedFrom;
    /**
     * Calls in flight on {@link #fd}, plus {@link #CLOSED} once closed. Every syscall on the fd runs between
     * {@link #acquire()} and {@link #release()}; close() closes the fd only when no call is in flight, else the last
     * call to finish closes it. So an fd number is never closed under a running syscall, and no syscall starts after
     * close, which could otherwise reach whatever file the kernel gave that number to next.
     */
    private final AtomicInteger uses = new AtomicInteger();
    private static final int CLOSED = 1 << 30;

    private MapFd(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags, int fd, MapHandle from) {
        this.name = name;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.flags = flags;
        this.fd = fd;
        this.borrowedFrom = from;
    }

    static MapFd borrow(MapHandle h) {
        return new MapFd(h.name(), h.type(), h.keySize(), h.valueSize(), h.maxEntries(), h.flags(), h.fd(), h);
    }

    static MapFd owned(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags, int fd) {
        return new MapFd(name, type, keySize, valueSize, maxEntries, flags, fd, null);
    }

    /** Creates the map, or with a pin path opens a compatible pinned one / creates and pins. */
    static MapFd create(MapSpec spec) {
        if (spec.pinPath().isPresent() && Files.exists(spec.pinPath().get())) return Pins.openCompatible(spec);
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(56, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 56);
            opts.set(ValueLayout.JAVA_INT, 24, spec.innerMap().map(BpfMap::fd).orElse(0));
            opts.set(ValueLayout.JAVA_INT, 28, spec.flagBits());
            opts.set(ValueLayout.JAVA_LONG, 32, spec.mapExtra());
            fd = (int) MapCalls.CREATE.invokeExact(spec.type().value(), arena.allocateFrom(spec.name()),
                    spec.keySize(), spec.valueSize(), spec.maxEntries(), opts);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (fd < 0) {
            throw BpfException.of("map create " + spec.name() + " (" + spec.type() + ")", -fd,
                    -fd == Errno.EINVAL ? "the kernel rejected " + spec + "; check sizes and flags for this type" : null);
        }
        MapFd m = owned(spec.name(), spec.type(), spec.keySize(), spec.valueSize(), spec.maxEntries(), spec.flagBits(), fd);
        if (spec.pinPath().isPresent()) {
            try {
                m.pin(spec.pinPath().get());
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
        return m;
    }

    String name() { return name; }
    MapType type() { return type; }
    int keySize() { return keySize; }
    int valueSize() { return valueSize; }
    int maxEntries() { return maxEntries; }
    int flags() { return flags; }
    boolean owned() { return borrowedFrom == null; }

    /** The fd, or {@link IllegalStateException} after close (of this view or of the owning object). */
    int fd() {
        if ((uses.get() & CLOSED) != 0) throw closedException();
        if (borrowedFrom != null) return borrowedFrom.fd();
        return fd;
    }

    /**
     * Holds the fd open for one call and returns it; {@link IllegalStateException} once closed. Pair with
     * {@link #release()} in a finally block. A CAS loop rather than getAndIncrement: a failed acquire must not touch
     * the count, or its undo could look like the last in-flight call finishing and close the fd a second time.
     */
    int acquire() {
        int s;
        do {
            s = uses.get();
            if ((s & CLOSED) != 0) throw closedException();
        } while (!uses.compareAndSet(s, s + 1));
        if (borrowedFrom == null) return fd;
        try {
            return borrowedFrom.fd();
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** Ends a call begun with {@link #acquire()}; the last call after close() closes an owned fd. */
    void release() {
        if (uses.decrementAndGet() == CLOSED && borrowedFrom == null) Libc.close(fd);
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("map '" + name + "' is closed");
    }

    /** Lookup; true if found. */
    boolean lookup(MemorySegment key, MemorySegment value) {
        int f = acquire();
        int r;
        try {
            r = (int) MapCalls.LOOKUP.invokeExact(f, key, value);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            release();
        }
        if (r == 0) return true;
        if (r == -Errno.ENOENT) return false;
        throw BpfException.of("map lookup " + name, -r);
    }

    void update(MemorySegment key, MemorySegment value, int flags) {
        int f = acquire();
        int r;
        try {
            r = (int) MapCalls.UPDATE.invokeExact(f, key, value, (long) flags);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            release();
        }
        if (r != 0) throw updateError("map update " + name, -r);
    }

    /** Delete; true if the key was present. */
    boolean delete(MemorySegment key) {
        int f = acquire();
        int r;
        try {
            r = (int) MapCalls.DELETE.invokeExact(f, key);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            release();
        }
        if (r == 0) return true;
        if (r == -Errno.ENOENT) return false;
        throw BpfException.of("map delete " + name, -r, -r == Errno.EINVAL && isArrayLike()
                ? "elements of " + type + " maps cannot be deleted; overwrite them instead" : null);
    }

    /** Lookup and delete (hash maps, or pop for queue/stack with a NULL key); true if found. */
    boolean lookupAndDelete(MemorySegment key, MemorySegment value) {
        int f = acquire();
        int r;
        try {
            r = (int) MapCalls.LOOKUP_AND_DELETE.invokeExact(f, key, value);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            release();
        }
        if (r == 0) return true;
        if (r == -Errno.ENOENT) return false;
        throw BpfException.of("map lookup and delete " + name, -r);
    }

    /** Next key after {@code key} (NULL for the first); false at the end. */
    boolean nextKey(MemorySegment key, MemorySegment next) {
        int f = acquire();
        int r;
        try {
            r = (int) MapCalls.NEXT_KEY.invokeExact(f, key, next);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            release();
        }
        if (r == 0) return true;
        if (r == -Errno.ENOENT) return false;
        throw BpfException.of("map next key " + name, -r);
    }

    void freeze() {
        int f = acquire();
        int r;
        try {
            r = (int) MapCalls.FREEZE.invokeExact(f);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            release();
        }
        if (r != 0) throw BpfException.of("map freeze " + name, -r, -r == Errno.EBUSY ? "the map is already frozen or mmapped writable" : null);
    }

    void pin(Path path) {
        int f = acquire();
        try {
            Pins.pin(f, name, path);
        } finally {
            release();
        }
    }

    boolean isArrayLike() {
        return type == MapType.ARRAY || type == MapType.PERCPU_ARRAY || type == MapType.PROG_ARRAY
                || type == MapType.PERF_EVENT_ARRAY || type == MapType.ARRAY_OF_MAPS || type == MapType.CGROUP_ARRAY;
    }

    static BpfException updateError(String op, int errno) {
        return switch (errno) {
            case Errno.EEXIST -> new KeyExistsException(op);
            case Errno.ENOENT -> new KeyNotFoundException(op);
            case Errno.E2BIG, Errno.ENOSPC -> new MapFullException(op, errno);
            default -> BpfException.of(op, errno);
        };
    }

    /**
     * Closes an owned fd once, right away when no call is in flight, else when the last one finishes; calls that start
     * afterwards get {@link IllegalStateException}. A borrowed fd stays with its object.
     */
    void close() {
        int prev = uses.getAndUpdate(s -> s | CLOSED);
        if (prev == 0 && borrowedFrom == null) Libc.close(fd);
    }

    boolean isClosed() {
        return (uses.get() & CLOSED) != 0 || (borrowedFrom != null && borrowedFrom.owner().isClosed());
    }

    @Override
    public String toString() {
        return type + " '" + name + "' (key " + keySize + " B, value " + valueSize + " B, max " + maxEntries
                + (flags != 0 ? ", flags " + MapFlag.describe(flags) : "") + ")";
    }
}
