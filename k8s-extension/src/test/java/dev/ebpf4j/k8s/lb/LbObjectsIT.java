package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.*;

/** The LB datapath object from the bpf-objects jar passes this kernel's verifier and has the expected map layouts. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class LbObjectsIT {
    private static void assertSizes(MapHandle m, int key, int value) {
        assertEquals(key, m.keySize(), m.name() + " key size");
        assertEquals(value, m.valueSize(), m.name() + " value size");
    }

    @Test
    void everyProgramVerifiesAndTheMapsHaveTheCodecLayouts() {
        try (BpfObject obj = LbObject.open().load()) {
            for (String p : LbObject.SOCKET_PROGRAMS) assertTrue(obj.program(p).isLoaded(), p);
            for (String p : LbObject.NODE_PORT_PROGRAMS) assertTrue(obj.program(p).isLoaded(), p);
            assertSizes(obj.map(LbMapCodec.SERVICES), 20, 24);
            assertSizes(obj.map(LbMapCodec.SLOTS), 12, 4);
            assertSizes(obj.map(LbMapCodec.MAGLEV), 12, 4);
            assertSizes(obj.map(LbMapCodec.BACKENDS), 4, 24);
            assertSizes(obj.map(LbMapCodec.AFFINITY), 32, 16);
            assertSizes(obj.map("lb_sock_rev"), 32, 20);
            assertSizes(obj.map("lb_sock_fwd"), 32, 4);
            assertSizes(obj.map("lb_ct"), 16, 24);
            // the typed views check every field of the Java map records against the object's BTF
            KernelLbDatapath.of(obj).close();
        }
    }

    @Test
    void socketProgramsLoadWithoutTheTcPrograms() {
        var spec = LbObject.open();
        LbObject.NODE_PORT_PROGRAMS.forEach(p -> spec.autoload(p, false));
        try (BpfObject obj = spec.load()) {
            assertTrue(obj.program("lb_connect4").isLoaded());
            assertFalse(obj.program(LbObject.NODE_PORT_INGRESS).isLoaded());
        }
    }
}
