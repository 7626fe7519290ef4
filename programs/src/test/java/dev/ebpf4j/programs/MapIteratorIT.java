package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.VerifierException;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A map element iterator dumps a map the test filled, as records. Runs on the host and in every guest ("guest-smoke"):
 * the host's 6.18 kernel refuses every {@code iter/bpf_map_elem} program before verifying it (EPERM, 0 instructions
 * processed) while its task and tcp iterators load, so there the test skips saying so and the 6.1 and 6.12 guests run it.
 */
@Tag("guest-smoke")
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class MapIteratorIT {
    record Element(int key, int value) {}

    private static BpfObject loadOrSkip() {
        try {
            return TestObjects.open("iter_map").load();
        } catch (VerifierException e) {
            boolean refusedUnverified = e.errno() == Errno.EPERM && e.log().stream().anyMatch(l -> l.startsWith("processed 0 insns"));
            Assumptions.assumeFalse(refusedUnverified, "this kernel refuses iter/bpf_map_elem programs before "
                    + "verification (EPERM, 0 instructions processed; seen on 6.18), so map element iterators cannot load");
            throw e;
        }
    }

    @Test
    void mapElementIteratorDumpsEveryKeyOnce() {
        try (BpfObject obj = loadOrSkip()) {
            MapHandle map = obj.map("dumped");
            Map<Integer, Integer> filled = new HashMap<>();
            for (int k = 0; k < 300; k++) {
                filled.put(k * 7 + 1, k * k);
                TestObjects.put(map, TestObjects.ints(k * 7 + 1), TestObjects.ints(k * k));
            }
            IterProgram dump = IterProgram.of(obj.program("dump_map"));
            assertEquals("bpf_map_elem", dump.target());
            assertThrows(IllegalStateException.class, dump::attach, "a map element iterator needs its map");
            // region iterator-records
            try (BpfLink link = dump.attach(map);
                 Stream<Element> elements = BpfIterator.open(link).records(8, (MemorySegment m, long off) ->
                         new Element(m.get(ValueLayout.JAVA_INT_UNALIGNED, off), m.get(ValueLayout.JAVA_INT_UNALIGNED, off + 4)))) {
                List<Element> seen = elements.toList();
                assertEquals(filled.size(), seen.size(), "one record per element");
                Map<Integer, Integer> dumped = seen.stream().collect(Collectors.toMap(Element::key, Element::value));
                assertEquals(filled, dumped, "every key once, with its value");
            }
            // endregion
            try (BpfLink link = dump.attach(map)) {
                TestObjects.put(map, TestObjects.ints(100_000), TestObjects.ints(42));
                try (Stream<Element> again = BpfIterator.open(link).records(8, (m, off) ->
                        new Element(m.get(ValueLayout.JAVA_INT_UNALIGNED, off), m.get(ValueLayout.JAVA_INT_UNALIGNED, off + 4)))) {
                    assertTrue(again.anyMatch(e -> e.key() == 100_000 && e.value() == 42), "a new walk sees a new element");
                }
            }
        }
    }
}
