package dev.ebpf4j.k8s.agent;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The converter registry without a kernel: paths, composition across steps, and the refusals' messages. */
class LayoutMigrationTest {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    /** Appends an int field holding {@code marker} to a value of {@code from} bytes. */
    private static MapConverter append(String map, int from, int marker) {
        return MapConverter.ofValue(map, 4, from, from + 4, (o, n) -> {
            MemorySegment.copy(o, 0, n, 0, from);
            n.set(INT, from, marker);
        });
    }

    @Test
    void stepsComposeIntoOneConverterPerMap() {
        LayoutMigration m = LayoutMigration.builder()
                .step(1, append("a", 4, 11))
                .step(2, append("a", 8, 22), append("b", 4, 33))
                .build();
        Map<String, MapConverter> path = m.path(1, 3);
        MapConverter a = path.get("a");
        assertEquals("key 4 / value 4 -> key 4 / value 12 bytes", a.describe());
        MemorySegment key = MemorySegment.ofArray(new int[] {7}), value = MemorySegment.ofArray(new int[] {5});
        MemorySegment newKey = MemorySegment.ofArray(new byte[4]), newValue = MemorySegment.ofArray(new byte[12]);
        a.conversion().convert(key, value, newKey, newValue);
        assertEquals(7, newKey.get(INT, 0));
        assertArrayEquals(new int[] {5, 11, 22}, new int[] {newValue.get(INT, 0), newValue.get(INT, 4), newValue.get(INT, 8)});
        assertEquals(4, path.get("b").oldValueSize());
        assertNull(m.path(2, 3).get("c"), "a map no step names keeps its layout");
    }

    @Test
    void aMissingStepIsRefusedNamingBothVersionsAndTheStepsThereAre() {
        LayoutMigration m = LayoutMigration.builder().step(2, append("a", 4, 1)).build();
        var e = assertThrows(IllegalStateException.class, () -> m.path(1, 3));
        assertEquals("pins have map layout version 1 and this agent uses layout version 3, but it has no converter from"
                + " layout 1 to 2 (steps it has: 2->3 [a]); run the old agent's --uninstall first (which drops the"
                + " datapath state)", e.getMessage());
        assertThrows(IllegalStateException.class, () -> LayoutMigration.DEFAULT.path(1, 2), "layout 1 is the first: no steps yet");
    }

    @Test
    void stepsThatDoNotChainAreRefused() {
        LayoutMigration m = LayoutMigration.builder().step(1, append("a", 4, 1)).step(2, append("a", 12, 2)).build();
        var e = assertThrows(IllegalStateException.class, () -> m.path(1, 3));
        assertTrue(e.getMessage().contains("map a: one layout step produces key 4 / value 8 bytes but the next step expects"
                + " key 4 / value 12"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayoutMigration.builder().step(1, append("a", 4, 1), append("a", 4, 2)));
        assertThrows(IllegalArgumentException.class, () -> LayoutMigration.builder().step(0));
    }
}
