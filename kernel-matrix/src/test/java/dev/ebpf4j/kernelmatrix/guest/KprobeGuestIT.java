package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.build.CompiledObject;
import dev.ebpf4j.core.features.KernelVersion;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.guest.BpfTestSources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A kprobe fires in the guest kernel: attached with raw calls (perf_event_open on the kprobe PMU, then libbpf's
 * bpf_link_create with BPF_PERF_EVENT), counting this process's opens.
 */
@Tag("guest")
@ExtendWith(FdLeakCheck.class)
class KprobeGuestIT {
    @Test
    void kprobeOnDoSysOpenat2CountsThisProcessesOpens(@TempDir Path dir) throws Throwable {
        assumeTrue(Files.isRegularFile(RawCalls.KPROBE_PMU),
                "needs kprobes: no kprobe PMU at " + RawCalls.KPROBE_PMU + " (CONFIG_KPROBES off)");
        assumeTrue(KernelVersion.running().atLeast(5, 15), "needs perf_event bpf_link (5.15+) for BPF_PERF_EVENT");
        CompiledObject compiled = BpfBuilder.create()
                .compile(BpfTestSources.locate(getClass(), "kprobe_openat.bpf.c"), dir.resolve("kprobe.bpf.o"));
        if (System.getProperty("ebpf4j.guest") != null) {
            assertTrue(compiled.cacheHit(), "BPF object cache missed in the guest: the host must compile it first");
        }
        try (BpfObject bpf = BpfObject.open(compiled.object()).constant("target_tgid", ProcessHandle.current().pid()).load();
             Arena arena = Arena.ofConfined()) {
            int perfFd = RawCalls.openKprobe(arena, "do_sys_openat2");
            assertTrue(perfFd >= 0, "perf_event_open(kprobe do_sys_openat2) failed: " + perfFd);
            int link = -1;
            try {
                link = RawCalls.linkCreate(bpf.program("count_openat").fd(), perfFd, RawCalls.BPF_PERF_EVENT);
                assertTrue(link >= 0, "bpf_link_create(BPF_PERF_EVENT) failed: " + link);
                for (int i = 0; i < 5; i++) Files.readAllBytes(Path.of("/proc/self/stat"));
                long hits = RawCalls.lookup(arena, bpf.map("hits").fd(), 0);
                assertTrue(hits >= 5, "kprobe counted " + hits + " opens by this process, expected at least 5");
            } finally {
                RawCalls.close(link);
                RawCalls.close(perfFd);
            }
        }
    }
}
