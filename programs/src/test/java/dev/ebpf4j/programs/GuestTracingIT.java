package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.core.SyscallException;
import dev.ebpf4j.core.features.KernelVersion;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.KernelMounts;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kprobe/kretprobe, kprobe_multi and fentry/fexit. The host kernel has no kprobes and no BPF trampolines, so these run in
 * the qemu guest (tag "guest"); each skips only when the kernel lacks the feature, and says which.
 */
@Tag("guest")
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class GuestTracingIT {
    @BeforeAll
    static void tracefs() {
        KernelMounts.tracefs();
    }

    static boolean hasKprobes() {
        return Files.isDirectory(Path.of("/sys/bus/event_source/devices/kprobe"));
    }

    /** BPF trampolines need kernel BTF and ftrace's function tracer (which lists traceable functions). */
    static boolean hasTrampolines() {
        if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux"))) return false;
        // Permission bits say readable even where lockdown or a missing function tracer makes the read fail.
        try (var in = Files.newInputStream(Path.of("/sys/kernel/tracing/available_filter_functions"))) {
            return in.read() >= 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Creates and deletes files: each delete is an unlink(2), which runs do_unlinkat in this process. */
    private static void unlinkFiles(int count) {
        try {
            for (int i = 0; i < count; i++) Files.delete(Files.createTempFile("e4j-prog-unlink", ""));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void kprobeAndKretprobe() {
        // KprobeProgram attaches through a perf_event bpf_link only (no PERF_EVENT_IOC_SET_BPF fallback yet).
        Assumptions.assumeTrue(KernelVersion.running().atLeast(5, 15), "needs perf_event bpf_link (5.15+)");
        // region kprobe
        Assumptions.assumeTrue(hasKprobes(), "needs kprobes: no kprobe PMU (CONFIG_KPROBES off)");
        try (BpfObject obj = TestObjects.open("kprobes").constant("target_tgid", Libc.getpid()).load()) {
            KprobeProgram entry = KprobeProgram.of(obj.program("kp_unlinkat"));
            KprobeProgram exit = KprobeProgram.of(obj.program("krp_unlinkat"));
            assertTrue(exit.isReturnProbe());
            try (BpfLink in = entry.attach("do_unlinkat"); BpfLink out = exit.attach("do_unlinkat")) {
                assertEquals(LinkType.PERF_EVENT, in.info().type());
                if (KernelVersion.running().atLeast(6, 6)) { // perf_event link info arrived in 6.6
                    assertEquals("kprobe", in.info().detail("event_type"));
                    assertEquals("do_unlinkat", in.info().detail("func"));
                    assertEquals("kretprobe", out.info().detail("event_type"));
                }
                unlinkFiles(4);
                assertTrue(TestObjects.u64(obj.map("counts"), 0) >= 4, "kprobe ran");
                assertTrue(TestObjects.u64(obj.map("counts"), 1) >= 4, "kretprobe ran");
            }
        }
        // endregion
    }

    @Test
    void kprobeMulti() {
        // region kprobe-multi
        Assumptions.assumeTrue(hasKprobes(), "needs kprobes: no kprobe PMU (CONFIG_KPROBES off)");
        try (BpfObject obj = TestObjects.open("kprobe_multi").constant("target_tgid", Libc.getpid()).load()) {
            BpfLink link;
            try {
                link = KprobeProgram.of(obj.program("kpm")).attachMulti(List.of("do_unlinkat"));
            } catch (NotSupportedException | SyscallException e) {
                // The kernel is the probe: EOPNOTSUPP without CONFIG_FPROBE, EINVAL before 5.18.
                Assumptions.assumeTrue(e.errno() != Errno.EOPNOTSUPP && e.errno() != Errno.EINVAL,
                        "needs kprobe_multi (Linux 5.18+ with CONFIG_FPROBE): " + e.getMessage());
                throw e;
            }
            try (link) {
                assertEquals(LinkType.KPROBE_MULTI, link.info().type());
                unlinkFiles(3);
                assertTrue(TestObjects.u64(obj.map("counts"), 0) >= 3, "kprobe_multi ran");
            }
        }
        // endregion
    }

    @Test
    void fentryAndFexit() {
        // region fentry
        Assumptions.assumeTrue(hasTrampolines(), "needs BPF trampolines: kernel BTF and ftrace function tracing");
        try (BpfObject obj = TestObjects.open("fentry").constant("target_tgid", Libc.getpid()).load()) {
            FentryProgram fe = FentryProgram.of(obj.program("fe_unlinkat")), fx = FentryProgram.of(obj.program("fx_unlinkat"));
            assertTrue(fx.isExit());
            try (BpfLink in = fe.attach(); BpfLink out = fx.attach()) {
                assertEquals(LinkType.TRACING, in.info().type());
                assertEquals(dev.ebpf4j.core.AttachType.TRACE_FENTRY, in.info().detail("attach_type"));
                unlinkFiles(4);
                assertTrue(TestObjects.u64(obj.map("counts"), 0) >= 4, "fentry ran");
                assertTrue(TestObjects.u64(obj.map("counts"), 1) >= 4, "fexit ran");
            }
        }
        // endregion
    }
}
