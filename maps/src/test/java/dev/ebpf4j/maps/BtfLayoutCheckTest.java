package dev.ebpf4j.maps;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The name rule of the BTF layout check, without a kernel. */
class BtfLayoutCheckTest {
    @Test
    void camelCaseMatchesSnakeCaseAndCaseIsIgnored() {
        assertTrue(BtfLayoutCheck.sameName("maglevSize", "maglev_size"));
        assertTrue(BtfLayoutCheck.sameName("backend.lastUsedNs", "backend.last_used_ns"));
        assertTrue(BtfLayoutCheck.sameName("class_", "class"));
        assertFalse(BtfLayoutCheck.sameName("port", "weight"));
        assertFalse(BtfLayoutCheck.sameName("inner.port", "inner.weight"));
    }

    @Test
    void aLeafMayCoverANestedMemberWhole() {
        assertTrue(BtfLayoutCheck.sameName("addr", "addr.w"), "a byte[16] codec field over struct lb_addr { __u32 w[4]; }");
        assertFalse(BtfLayoutCheck.sameName("client", "addr.w"));
    }

    @Test
    void unnamedLeavesArePositional() {
        assertTrue(BtfLayoutCheck.sameName("", "addr"), "a scalar or byte codec has no name to compare");
        assertTrue(BtfLayoutCheck.sameName("value", ""), "a one-field record over a scalar BTF type");
    }
}
