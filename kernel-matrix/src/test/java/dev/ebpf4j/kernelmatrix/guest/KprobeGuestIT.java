package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.build.CompiledObject;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.guest.BpfTestSources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

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
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A kprobe fires in the guest kernel: attached with raw calls (perf_event_open on the kprobe PMU, then libbpf's
 * bpf_link_create with BPF_PERF_EVENT), counting this process's opens. Stands in until programs/ has a kprobe API.
 */
@Tag("guest")
@ExtendWith(FdLeakCheck.class)
class KprobeGuestIT {
    private static final Path KPROBE_PMU = Path.of("/sys/bus/event_source/devices/kprobe/type");
    private static final long SYS_PERF_EVENT_OPEN = 298; // x86_64
    private static final int PERF_FLAG_FD_CLOEXEC = 8;
    private static final int BPF_PERF_EVENT = 41;
    private static final int PERF_ATTR_SIZE = 128;

    private static final MethodHandle SYSCALL = Native.libcErrno("syscall",
            FunctionDescriptor.of(C_LONG, C_LONG, C_POINTER, C_INT, C_INT, C_INT, C_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(C_INT, C_INT));
    private static final MethodHandle LINK_CREATE = Native.downcall("bpf_link_create",
            FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT, C_POINTER));
    private static final MethodHandle MAP_LOOKUP = Native.downcall("bpf_map_lookup_elem",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));

    @Test
    void kprobeOnDoSysOpenat2CountsThisProcessesOpens(@TempDir Path dir) throws Throwable {
        assumeTrue(Files.isRegularFile(KPROBE_PMU), "needs kprobes: no kprobe PMU at " + KPROBE_PMU + " (CONFIG_KPROBES off)");
        CompiledObject compiled = BpfBuilder.create()
                .compile(BpfTestSources.locate(getClass(), "kprobe_openat.bpf.c"), dir.resolve("kprobe.bpf.o"));
        if (System.getProperty("ebpf4j.guest") != null) {
            assertTrue(compiled.cacheHit(), "BPF object cache missed in the guest: the host must compile it first");
        }
        Path object = compiled.object();
        try (BpfObject bpf = BpfObject.open(object).constant("target_tgid", ProcessHandle.current().pid()).load();
             Arena arena = Arena.ofConfined()) {
            int perfFd = openKprobe(arena, "do_sys_openat2");
            try {
                int link = (int) LINK_CREATE.invokeExact(bpf.program("count_openat").fd(), perfFd, BPF_PERF_EVENT,
                        MemorySegment.NULL);
                assertTrue(link >= 0, "bpf_link_create(BPF_PERF_EVENT) failed: " + link);
                try {
                    for (int i = 0; i < 5; i++) Files.readAllBytes(Path.of("/proc/self/stat"));
                    long hits = lookup(arena, bpf.map("hits").fd());
                    assertTrue(hits >= 5, "kprobe counted " + hits + " opens by this process, expected at least 5");
                } finally {
                    int ignored = (int) CLOSE.invokeExact(link);
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(perfFd);
            }
        }
    }

    private static int openKprobe(Arena arena, String function) throws Throwable {
        int pmuType = Integer.parseInt(Files.readString(KPROBE_PMU).strip());
        MemorySegment attr = arena.allocate(PERF_ATTR_SIZE, 8);
        attr.set(ValueLayout.JAVA_INT, 0, pmuType);                             // type
        attr.set(ValueLayout.JAVA_INT, 4, PERF_ATTR_SIZE);                      // size
        attr.set(ValueLayout.JAVA_LONG, 56, arena.allocateFrom(function).address()); // config1: kprobe_func
        long fd = (long) SYSCALL.invokeExact(Native.captureSegment(), SYS_PERF_EVENT_OPEN, attr, -1, 0, -1,
                (long) PERF_FLAG_FD_CLOEXEC);
        assertTrue(fd >= 0, "perf_event_open(kprobe " + function + ") failed: errno " + Native.capturedErrno());
        return (int) fd;
    }

    private static long lookup(Arena arena, int mapFd) throws Throwable {
        MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
        int err = (int) MAP_LOOKUP.invokeExact(mapFd, key, value);
        assertTrue(err == 0, "bpf_map_lookup_elem failed: " + err);
        return value.get(ValueLayout.JAVA_LONG, 0);
    }

}
