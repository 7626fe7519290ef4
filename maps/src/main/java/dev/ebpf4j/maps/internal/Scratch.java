package dev.ebpf4j.maps.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread native buffers for map syscalls, so the hot path allocates nothing: one for the key, one for the value,
 * one for a second key (get-next-key). A buffer is valid until the same thread asks for it again; callers use it
 * within one map operation and never hand it out.
 */
public final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
    private MemorySegment key = MemorySegment.NULL, value = MemorySegment.NULL, aux = MemorySegment.NULL;

    private Scratch() {}

    /** This thread's buffers. */
    public static Scratch local() {
        return LOCAL.get();
    }

    /** The key buffer, at least {@code bytes} long. */
    public MemorySegment key(long bytes) {
        if (key.byteSize() < bytes) key = grow(bytes);
        return key;
    }

    /** The value buffer, at least {@code bytes} long. */
    public MemorySegment value(long bytes) {
        if (value.byteSize() < bytes) value = grow(bytes);
        return value;
    }

    /** The second key buffer, at least {@code bytes} long. */
    public MemorySegment aux(long bytes) {
        if (aux.byteSize() < bytes) aux = grow(bytes);
        return aux;
    }

    private static MemorySegment grow(long bytes) {
        // Arena.ofAuto: freed by the GC once the thread, and so its ThreadLocal, is gone.
        return Arena.ofAuto().allocate(Math.max(64, Long.highestOneBit(Math.max(1, bytes - 1)) << 1), 64);
    }

    /** Rounds up to a multiple of 8, the kernel's stride of per-CPU values and batch elements. */
    public static long align8(long n) {
        return (n + 7) & ~7L;
    }
}
