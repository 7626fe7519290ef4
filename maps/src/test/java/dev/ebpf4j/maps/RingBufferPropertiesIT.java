package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Tag;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Ring buffer property: any sequence of bursts whose total stays below the buffer's capacity arrives complete and
 * in order (minus the records the program discards on purpose). Kernel only: the simulation has no ring buffer.
 */
@Tag("kernel")
class RingBufferPropertiesIT {
    static BpfObject obj;
    static Path temp;

    @BeforeContainer
    static void load() throws Exception {
        temp = Files.createTempDirectory("e4j-maps-ring");
        obj = TestObjects.load(temp);
    }

    @AfterContainer
    static void close() throws Exception {
        if (obj != null) obj.close();
        try (var files = Files.walk(temp)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 20)
    void burstsBelowCapacityArriveInOrderWithoutLoss(@ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 120) Integer> bursts) {
        // 16 KiB / 24 B per record (8 B header + 16 B) = 682 records; 5 x 120 stays below.
        try (RingBufferReader reader = RingBufferReader.of(RingBuffer.of(obj.map("events")))) {
            reader.drain((s, r) -> {}, Integer.MAX_VALUE);
            List<Long> seqs = new ArrayList<>();
            int produced = 0;
            for (int b : bursts) {
                TestObjects.testRun(obj.program("emit"), b);
                produced += b;
            }
            while (true) {
                int got = reader.poll(Duration.ofMillis(100), (s, r) -> seqs.add(r.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
                if (got == 0) break;
            }
            if (seqs.isEmpty()) {
                assertEquals(1, produced, "nothing arrived of " + produced + " (only a lone discarded record may vanish)");
                return;
            }
            long first = seqs.get(0);
            long last = seqs.get(seqs.size() - 1);
            long expectedCount = 0;
            for (long s = first; s <= last; s++) if (s % 7 != 3) expectedCount++;
            assertEquals(expectedCount, seqs.size(), "every kept record between first and last arrived");
            for (int i = 1; i < seqs.size(); i++) assertTrue(seqs.get(i) > seqs.get(i - 1), "order at " + i);
            // Only a discarded record at either end of the run can fall outside [first, last].
            assertTrue(last - first + 1 >= produced - 2 && last - first + 1 <= produced,
                    "no loss: seqs " + first + ".." + last + " for " + produced + " records produced");
        }
    }
}
