package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_LONG;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/** The few raw libbpf and libc calls the guest tests attach with, until programs/ has kprobe and fentry APIs. */
final class RawCalls {
    static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe/type");
    static final int BPF_TRACE_FENTRY = 24;
    static final int BPF_TRACE_FEXIT = 25;
    static final int BPF_PERF_EVENT = 41;
    private static final long SYS_PERF_EVENT_OPEN = 298; // x86_64
    private static final int PERF_FLAG_FD_CLOEXEC = 8;
    private static final int PERF_ATTR_SIZE = 128;

    private static final MethodHandle SYSCALL = Native.libcErrno("syscall",
            FunctionDescriptor.of(C_LONG, C_LONG, C_POINTER, C_INT, C_INT, C_INT, C_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle LINK_CREATE = Native.downcall("bpf_link_create",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER));
    private static final MethodHandle MAP_LOOKUP = Native.downcall("bpf_map_lookup_elem",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));

    private RawCalls() {}

    /** A perf event on the kprobe PMU for {@code function}; returns its fd or -errno. */
    static int openKprobe(Arena arena, String function) throws Throwable {
        int pmuType = Integer.parseInt(Files.readString(KPROBE_PMU).strip());
        MemorySegment attr = arena.allocate(PERF_ATTR_SIZE, 8);
        attr.set(ValueLayout.JAVA_INT, 0, pmuType);                                  // type
        attr.set(ValueLayout.JAVA_INT, 4, PERF_ATTR_SIZE);                           // size
        attr.set(ValueLayout.JAVA_LONG, 56, arena.allocateFrom(function).address()); // config1: kprobe_func
        long fd = (long) SYSCALL.invokeExact(Native.captureSegment(), SYS_PERF_EVENT_OPEN, attr, -1, 0, -1,
                (long) PERF_FLAG_FD_CLOEXEC);
        return fd >= 0 ? (int) fd : -Native.capturedErrno();
    }

    /** libbpf's {@code bpf_link_create} without options; returns the link fd or -errno. */
    static int linkCreate(int programFd, int targetFd, int attachType) throws Throwable {
        return (int) LINK_CREATE.invokeExact(programFd, targetFd, attachType, MemorySegment.NULL);
    }

    /** The u64 at {@code index} of an array map; throws if the lookup fails. */
    static long lookup(Arena arena, int mapFd, int index) throws Throwable {
        MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
        key.set(ValueLayout.JAVA_INT, 0, index);
        MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
        int err = (int) MAP_LOOKUP.invokeExact(mapFd, key, value);
        if (err != 0) throw new IllegalStateException("bpf_map_lookup_elem failed: " + err);
        return value.get(ValueLayout.JAVA_LONG, 0);
    }

    static void close(int fd) throws Throwable {
        if (fd >= 0) {
            int ignored = (int) CLOSE.invokeExact(fd);
        }
    }
}
