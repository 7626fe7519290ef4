package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.KernelMounts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tracepoint, raw tracepoint, tp_btf and uprobe/uretprobe, each with an effect triggered by the test. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class TracingIT {
    @BeforeAll
    static void tracefs() {
        KernelMounts.tracefs();
    }

    private static BpfObject load() {
        return TestObjects.open("tracing").constant("target_tgid", Libc.getpid()).load();
    }

    @Test
    void tracepointRawTracepointAndTpBtfCountExecsOfChildren() throws Exception {
        // region tracepoints
        try (BpfObject obj = load()) {
            try (BpfLink tp = TracepointProgram.of(obj.program("tp_exec")).attach("sched", "sched_process_exec");
                 BpfLink raw = RawTracepointProgram.of(obj.program("raw_exec")).attach();
                 BpfLink btf = RawTracepointProgram.of(obj.program("btf_exec")).attach()) {
                assertEquals(LinkType.PERF_EVENT, tp.info().type());
                assertEquals("tracepoint", tp.info().detail("event_type"));
                assertEquals("sched_process_exec", tp.info().detail("tp_name"));
                assertEquals(LinkType.RAW_TRACEPOINT, raw.info().type());
                assertEquals("sched_process_exec", raw.info().detail("tp_name"));
                assertEquals(LinkType.RAW_TRACEPOINT, btf.info().type(), "the kernel makes tp_btf a raw tracepoint link");
                assertEquals("sched_process_exec", btf.info().detail("tp_name"));
                for (int i = 0; i < 3; i++) Libc.execTrue();
                // The JDK may exec a spawn helper before the command: at least one exec per process started.
                long seen = TestObjects.u64(obj.map("counts"), 0);
                assertTrue(seen >= 3, "tracepoint saw the execs: " + seen);
                assertEquals(seen, TestObjects.u64(obj.map("counts"), 1), "raw tracepoint saw the same execs");
                assertEquals(seen, TestObjects.u64(obj.map("counts"), 2), "tp_btf saw the same execs");
            }
            long before = TestObjects.u64(obj.map("counts"), 0);
            Libc.execTrue();
            assertEquals(before, TestObjects.u64(obj.map("counts"), 0), "detached on close");
        }
        // endregion
    }

    @Test
    void tracepointFromSectionAndUnknownTracepoint() {
        try (BpfObject obj = load()) {
            TracepointProgram tp = TracepointProgram.of(obj.program("tp_exec"));
            try (BpfLink link = tp.attach()) {
                assertEquals("sched_process_exec", link.info().detail("tp_name"));
            }
            assertThrows(IllegalArgumentException.class, () -> tp.attach("sched", "no_such_tracepoint"));
        }
    }

    @Test
    void uprobeAndUretprobeOnLibcGetpid() throws Exception {
        // region uprobe
        Path libc = Libc.path();
        int pid = Libc.getpid();
        try (BpfObject obj = load();
             BpfLink entry = UprobeProgram.of(obj.program("up_getpid")).attach(libc, "getpid", pid);
             BpfLink exit = UprobeProgram.of(obj.program("uret_getpid")).attach(libc, "getpid", pid)) {
            LinkInfo info = entry.info();
            assertEquals("uprobe", info.detail("event_type"));
            assertEquals(libc.toString(), info.detail("file"));
            assertEquals("uretprobe", exit.info().detail("event_type"));
            for (int i = 0; i < 5; i++) assertEquals(pid, Libc.getpid());
            assertTrue(TestObjects.u64(obj.map("counts"), 3) >= 5, "uprobe saw the calls");
            assertTrue(TestObjects.u64(obj.map("counts"), 4) >= 5, "uretprobe saw the return value");
        }
        // endregion
    }
}
