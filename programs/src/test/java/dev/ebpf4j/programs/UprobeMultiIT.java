package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.features.KernelVersion;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One uprobe_multi link on three libc functions: the program counts hits per cookie, for the test thread only. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class UprobeMultiIT {
    @Test
    void countsEachFunctionByItsCookie() throws Exception {
        Assumptions.assumeTrue(KernelVersion.running().atLeast(6, 6), "needs uprobe_multi links (Linux 6.6+)");
        Path libc = Libc.path();
        int tid = Libc.gettid();
        try (BpfObject obj = TestObjects.open("uprobe_multi").constant("target_tid", tid).load()) {
            // region uprobe-multi
            UprobeProgram prog = UprobeProgram.of(obj.program("count_calls"));
            BpfLink link;
            try {
                link = prog.attachMulti(libc, List.of("getpid", "getppid", "getpgrp"), List.of(100L, 200L, 300L), Libc.getpid());
            } catch (BpfException e) {
                Assumptions.assumeTrue(e.errno() != Errno.EOPNOTSUPP && e.errno() != Errno.EINVAL,
                        "needs uprobe_multi links (Linux 6.6+ with CONFIG_UPROBES): " + e.getMessage());
                throw e;
            }
            try (link) {
                assertEquals(LinkType.UPROBE_MULTI, link.info().type());
                for (int i = 0; i < 3; i++) Libc.getpid();
                for (int i = 0; i < 5; i++) Libc.getppid();
                for (int i = 0; i < 7; i++) Libc.getpgrp();
                assertEquals(3, TestObjects.u64(obj.map("hits"), 100L), "getpid hits under its cookie");
                assertEquals(5, TestObjects.u64(obj.map("hits"), 200L), "getppid hits under its cookie");
                assertEquals(7, TestObjects.u64(obj.map("hits"), 300L), "getpgrp hits under its cookie");
            }
            // endregion
            Libc.getpgrp();
            assertEquals(7, TestObjects.u64(obj.map("hits"), 300L), "detached on close");
            assertThrows(IllegalArgumentException.class, () -> prog.attachMulti(libc, new long[] {1, 2}, new long[] {1}, -1));
            assertThrows(IllegalArgumentException.class, () -> prog.attachMulti(libc, List.of("no_such_function_e4j"), List.of(1L), -1));
        }
    }
}
