package dev.ebpf4j.bpf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jar's resources, without a kernel: the plugin put a BPF ELF object where the accessor looks. */
class BpfObjectsTest {
    @Test
    void counterIsAnElfBpfObjectAtItsResourcePath() {
        assertEquals(BpfObjects.XDP_COUNTER_RESOURCE, BpfObjects.resourcePath(BpfObjects.XDP_COUNTER));
        byte[] elf = BpfObjects.bytes(BpfObjects.XDP_COUNTER);
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(elf, 4));
        assertEquals(247, (elf[18] & 0xff) | (elf[19] & 0xff) << 8, "e_machine must be EM_BPF (247)");
        assertTrue(BpfObjects.names().contains(BpfObjects.XDP_COUNTER));
    }

    @Test
    void everyListedObjectIsABpfElfInTheJar() {
        for (String name : BpfObjects.names()) {
            byte[] elf = BpfObjects.bytes(name);
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(elf, 4), name);
            assertEquals(247, (elf[18] & 0xff) | (elf[19] & 0xff) << 8, name + ": e_machine must be EM_BPF (247)");
        }
        assertEquals(java.util.List.of("xdp_counter", "observe_tcp", "observe_l7", "lb_datapath", "policy"), BpfObjects.names());
    }

    @Test
    void unknownNameListsTheObjects() {
        var e = assertThrows(IllegalArgumentException.class, () -> BpfObjects.bytes("nope"));
        assertTrue(e.getMessage().contains("xdp_counter"), e.getMessage());
    }
}
