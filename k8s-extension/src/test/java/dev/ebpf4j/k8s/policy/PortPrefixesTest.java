package dev.ebpf4j.k8s.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PortPrefixesTest {

    @Test
    void examples() {
        assertEquals(List.of(new PortPrefixes.PortPrefix(80, 15)), PortPrefixes.of(80, 81));
        assertEquals(List.of(new PortPrefixes.PortPrefix(0, 0)), PortPrefixes.of(0, 65535));
        assertEquals(16, PortPrefixes.of(1, 65535).size());
    }

    @Property(tries = 2000)
    void blocksCoverExactlyTheRange(@ForAll @IntRange(min = 1, max = 65535) int a,
                                    @ForAll @IntRange(min = 1, max = 65535) int b) {
        int lo = Math.min(a, b);
        int hi = Math.max(a, b);
        List<PortPrefixes.PortPrefix> blocks = PortPrefixes.of(lo, hi);
        assertTrue(blocks.size() <= 30, "at most 30 blocks, got " + blocks.size());
        int next = lo;
        for (PortPrefixes.PortPrefix p : blocks) {
            assertEquals(next, p.port(), "blocks are contiguous");
            assertEquals(0, p.port() & ((1 << (16 - p.prefixLength())) - 1), "aligned");
            next = p.lastPort() + 1;
        }
        assertEquals(hi + 1, next);
    }
}
