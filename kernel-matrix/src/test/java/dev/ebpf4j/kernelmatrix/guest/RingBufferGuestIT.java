package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.build.CompiledObject;
import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.guest.BpfTestSources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ring buffer events in the guest kernel: an XDP program run by BPF_PROG_TEST_RUN submits, the Java reader reads. */
@Tag("guest")
@ExtendWith(FdLeakCheck.class)
class RingBufferGuestIT {
    private static final int RUNS = 40;

    @Test
    void everySubmittedRecordIsReadInOrderWithThePacketLength(@TempDir Path dir) {
        CompiledObject compiled = BpfBuilder.create()
                .compile(BpfTestSources.locate(getClass(), "ringbuf_events.bpf.c"), dir.resolve("ringbuf_events.bpf.o"));
        try (BpfObject bpf = BpfObject.open(compiled.object()).load();
             RingBufferReader reader = RingBufferReader.of(RingBuffer.of(bpf.map("events")))) {
            TestRun run = ProgramTester.of(XdpProgram.of(bpf.program("emit_event"))).repeat(RUNS).run(new byte[60]);
            assertEquals(TestRun.XDP_PASS, run.verdict(), "the program reserved every record (XDP_ABORTED if not)");
            List<Long> seqs = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();
            while (seqs.size() < RUNS) {
                int got = reader.poll(Duration.ofSeconds(5), (source, data, offset, length) -> {
                    assertEquals(16, length, "record size");
                    assertEquals(0xE4B7, data.get(ValueLayout.JAVA_INT_UNALIGNED, offset + 12), "magic");
                    seqs.add(data.get(ValueLayout.JAVA_LONG_UNALIGNED, offset));
                    lengths.add(data.get(ValueLayout.JAVA_INT_UNALIGNED, offset + 8));
                });
                assertTrue(got > 0, "no record within 5 s after " + seqs.size() + " of " + RUNS);
            }
            for (int i = 0; i < RUNS; i++) assertEquals(i, seqs.get(i), "record " + i + " out of order");
            assertTrue(lengths.stream().allMatch(l -> l == 60), "packet lengths seen by the program: " + lengths);
            assertEquals(0, reader.pending(), "nothing left unread");
        }
    }
}
