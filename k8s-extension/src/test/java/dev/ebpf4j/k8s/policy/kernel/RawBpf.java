package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.core.internal.libbpf.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Test-only bridge to libbpf's low-level map calls and ring buffer, used until the typed maps module is merged;
 * then these tests move onto it. Confined to one thread.
 */
final class RawBpf implements AutoCloseable {

    private static final MethodHandle UPDATE = Native.downcall("bpf_map_update_elem", FunctionDescriptor.of(
            Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_POINTER, Native.C_LONG));
    private static final MethodHandle LOOKUP = Native.downcall("bpf_map_lookup_elem", FunctionDescriptor.of(
            Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_POINTER));
    private static final MethodHandle DELETE = Native.downcall("bpf_map_delete_elem", FunctionDescriptor.of(
            Native.C_INT, Native.C_INT, Native.C_POINTER));
    private static final MethodHandle NEXT_KEY = Native.downcall("bpf_map_get_next_key", FunctionDescriptor.of(
            Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_POINTER));
    private static final MethodHandle RB_NEW = Native.downcall("ring_buffer__new", FunctionDescriptor.of(
            Native.C_POINTER, Native.C_INT, Native.C_POINTER, Native.C_POINTER, Native.C_POINTER));
    private static final MethodHandle RB_CONSUME = Native.downcall("ring_buffer__consume", FunctionDescriptor.of(
            Native.C_INT, Native.C_POINTER));
    private static final MethodHandle RB_FREE = Native.downcall("ring_buffer__free", FunctionDescriptor.ofVoid(
            Native.C_POINTER));
    private static final java.util.List<byte[]> SAMPLES = new java.util.ArrayList<>();

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment key = arena.allocate(64, 8);
    private final MemorySegment next = arena.allocate(64, 8);
    private final MemorySegment value = arena.allocate(4096, 8);

    void update(int fd, byte[] k, byte[] v) {
        MemorySegment.copy(k, 0, key, ValueLayout.JAVA_BYTE, 0, k.length);
        MemorySegment.copy(v, 0, value, ValueLayout.JAVA_BYTE, 0, v.length);
        check("map update", call(UPDATE, fd, key, value, 0L));
    }

    byte[] lookup(int fd, byte[] k, int valueSize) {
        MemorySegment.copy(k, 0, key, ValueLayout.JAVA_BYTE, 0, k.length);
        int rc = (int) invoke(LOOKUP, fd, key, value);
        return rc == 0 ? value.asSlice(0, valueSize).toArray(ValueLayout.JAVA_BYTE) : null;
    }

    /** Deletes one key; a missing key is fine. */
    void delete(int fd, byte[] k) {
        MemorySegment.copy(k, 0, key, ValueLayout.JAVA_BYTE, 0, k.length);
        int rc = (int) invoke(DELETE, fd, key);
        if (rc != 0 && rc != -2) {
            throw new IllegalStateException("map delete failed: errno " + (-rc));
        }
    }

    /** Deletes every key of a map; returns how many. */
    int clear(int fd, int keySize) {
        int n = 0;
        while ((int) invoke(NEXT_KEY, fd, MemorySegment.NULL, next) == 0) {
            check("map delete", (int) invoke(DELETE, fd, next));
            n++;
            if (n > 10_000_000) {
                throw new IllegalStateException("map " + fd + " does not empty");
            }
        }
        return n;
    }

    /** Reads every pending record of a ring buffer map. */
    java.util.List<byte[]> drainRingBuffer(int fd) {
        try {
            MethodHandle cb = java.lang.invoke.MethodHandles.lookup().findStatic(RawBpf.class, "sample",
                    java.lang.invoke.MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class));
            MemorySegment stub = Native.LINKER.upcallStub(cb, FunctionDescriptor.of(Native.C_INT, Native.C_POINTER,
                    Native.C_POINTER, Native.C_SIZE_T), arena);
            MemorySegment rb = (MemorySegment) RB_NEW.invokeExact(fd, stub, MemorySegment.NULL, MemorySegment.NULL);
            if (rb.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("ring_buffer__new failed");
            }
            try {
                synchronized (SAMPLES) {
                    SAMPLES.clear();
                    int rc = (int) RB_CONSUME.invokeExact(rb);
                    if (rc < 0) {
                        throw new IllegalStateException("ring_buffer__consume failed: errno " + (-rc));
                    }
                    return new java.util.ArrayList<>(SAMPLES);
                }
            } finally {
                RB_FREE.invokeExact(rb);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static int sample(MemorySegment ctx, MemorySegment data, long size) {
        SAMPLES.add(data.reinterpret(size).toArray(ValueLayout.JAVA_BYTE));
        return 0;
    }

    private static int call(MethodHandle h, int fd, MemorySegment k, MemorySegment v, long flags) {
        try {
            return (int) h.invokeExact(fd, k, v, flags);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static Object invoke(MethodHandle h, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static void check(String op, int rc) {
        if (rc != 0) {
            throw new IllegalStateException(op + " failed: errno " + (-rc));
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
