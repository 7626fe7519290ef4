package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.KernelMounts;
import dev.ebpf4j.testkit.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pinned link outlives its fd and is opened, unpinned and detached by another process. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class LinkPinIT {
    @Test
    void pinnedLinkSurvivesCloseAndAnotherProcessDetachesIt() throws Exception {
        // region link-pin
        KernelMounts.tracefs();
        Path dir = KernelMounts.bpffs().resolve("e4j-prog-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
        Files.createDirectory(dir);
        Path pin = dir.resolve("raw_exec");
        try (BpfObject obj = TestObjects.open("tracing").constant("target_tgid", Libc.getpid()).load()) {
            int linkId;
            try (BpfLink link = RawTracepointProgram.of(obj.program("raw_exec")).attach()) {
                assertThrows(NotSupportedException.class, () -> link.update(RawTracepointProgram.of(obj.program("raw_exec"))),
                        "raw tracepoint links cannot swap programs");
                link.pin(pin);
                linkId = link.info().id();
                assertEquals(pin, link.pinPath().orElseThrow());
            }
            Libc.execTrue();
            assertTrue(TestObjects.u64(obj.map("counts"), 1) >= 1, "the pinned link stays attached after close");

            String java = ProcessHandle.current().info().command().orElseThrow();
            Shell.Result r = Shell.exec(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    PinnedLinkTool.class.getName(), pin.toString());
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains(linkId + ": raw_tracepoint"), r.output());
            assertTrue(r.output().contains("tp_name sched_process_exec"), r.output());
            assertFalse(Files.exists(pin), "the other process unpinned it");

            long before = TestObjects.u64(obj.map("counts"), 1);
            Libc.execTrue();
            assertEquals(before, TestObjects.u64(obj.map("counts"), 1), "detached once unpinned and closed");
        } finally {
            Files.deleteIfExists(pin);
            Files.deleteIfExists(dir);
        }
        // endregion
    }
}
