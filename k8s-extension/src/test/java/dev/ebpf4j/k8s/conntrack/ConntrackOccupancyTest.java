package dev.ebpf4j.k8s.conntrack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ConntrackOccupancyTest {
    private static byte[] lbKey(int proto) {
        byte[] k = new byte[16];
        k[12] = (byte) proto;
        return k;
    }

    /** struct lb_ct with the ct_age.h state at bits 8-9 of flags (little-endian at offset 12). */
    private static byte[] lbValue(int state) {
        byte[] v = new byte[24];
        v[13] = (byte) state;
        return v;
    }

    @Test
    void countsEntriesByTcpState() {
        ConntrackOccupancy c = ConntrackOccupancy.empty("lb_ct")
                .plus(lbKey(6), lbValue(0)).plus(lbKey(6), lbValue(1)).plus(lbKey(6), lbValue(1))
                .plus(lbKey(6), lbValue(3)).plus(lbKey(17), lbValue(0));
        assertEquals(new ConntrackOccupancy("lb_ct", 5, 1, 2, 1, 1), c);
    }

    @Test
    void policyStateIsInTheTopBitsOfLastSeen() {
        byte[] key = new byte[40];
        key[36] = 6;
        byte[] closing = new byte[16];
        closing[7] = (byte) 0xc0; // bits 62-63: established | closing
        byte[] established = new byte[16];
        established[7] = 0x40;
        assertEquals(new ConntrackOccupancy("policy_conntrack", 2, 0, 1, 1, 0),
                ConntrackOccupancy.empty("policy_conntrack").plus(key, closing).plus(key, established));
    }

    @Test
    void unknownTablesAndSizesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConntrackOccupancy.empty("lb_services").plus(new byte[16], new byte[24]));
        assertEquals("not a conntrack table: lb_services (known: [lb_ct, lb_snat, lb_ct6, lb_snat6, policy_conntrack])", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConntrackOccupancy.empty("lb_ct").plus(new byte[16], new byte[32]));
        assertEquals("lb_ct entries are 16/24 bytes, got 16/32: a datapath of another layout", e.getMessage());
    }
}
