package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
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

/** fentry and fexit fire in the guest kernel: attached with libbpf's bpf_link_create, counting this process's opens. */
@Tag("guest")
@ExtendWith(FdLeakCheck.class)
class FentryGuestIT {
    @Test
    void fentryAndFexitOnDoSysOpenat2CountThisProcessesOpens(@TempDir Path dir) throws Throwable {
        assumeTrue(Files.isRegularFile(Path.of("/sys/kernel/btf/vmlinux")), "needs fentry: the kernel has no BTF");
        Path object = BpfBuilder.create()
                .compile(BpfTestSources.locate(getClass(), "fentry_openat.bpf.c"), dir.resolve("fentry.bpf.o")).object();
        try (BpfObject bpf = BpfObject.open(object).constant("target_tgid", ProcessHandle.current().pid()).load();
             Arena arena = Arena.ofConfined()) {
            int entry = -1, exit = -1;
            try {
                entry = RawCalls.linkCreate(bpf.program("on_entry").fd(), 0, RawCalls.BPF_TRACE_FENTRY);
                assertTrue(entry >= 0, "bpf_link_create(BPF_TRACE_FENTRY) failed: " + entry);
                exit = RawCalls.linkCreate(bpf.program("on_exit").fd(), 0, RawCalls.BPF_TRACE_FEXIT);
                assertTrue(exit >= 0, "bpf_link_create(BPF_TRACE_FEXIT) failed: " + exit);
                for (int i = 0; i < 5; i++) Files.readAllBytes(Path.of("/proc/self/stat"));
                long entries = RawCalls.lookup(arena, bpf.map("calls").fd(), 0);
                long exits = RawCalls.lookup(arena, bpf.map("calls").fd(), 1);
                assertTrue(entries >= 5, "fentry counted " + entries + " opens, expected at least 5");
                assertTrue(exits >= 5, "fexit counted " + exits + " successful opens, expected at least 5");
            } finally {
                RawCalls.close(exit);
                RawCalls.close(entry);
            }
        }
    }
}
