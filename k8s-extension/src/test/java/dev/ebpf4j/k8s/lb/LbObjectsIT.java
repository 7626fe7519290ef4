package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.inspect.KernelObjects;
import dev.ebpf4j.core.inspect.ProgramInfo;
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

    /**
     * The verifier walks every path of a program up to 1M instructions; the NodePort programs are the largest, and a
     * feature that multiplies their paths should fail here, by name and count, with room left, not at an agent start
     * on a kernel whose verifier prunes less. Half the limit leaves that room.
     */
    @Test
    void everyProgramStaysWithinHalfTheVerifiersInstructionLimit() {
        var spec = LbObject.open();
        spec.autoload(LbObject.NODE_PORT_XDP, true);
        try (BpfObject obj = spec.load()) {
            StringBuilder counts = new StringBuilder();
            for (var p : obj.programs()) {
                if (!p.isLoaded()) continue;
                ProgramInfo info = KernelObjects.program(p);
                assertEquals(KernelObjects.program(info.id()).orElseThrow().verifiedInstructions(),
                        info.verifiedInstructions(), "the same program read by fd and by id");
                counts.append(' ').append(p.name()).append('=').append(info.verifiedInstructions());
                assertTrue(info.verifiedInstructions() > 0 && info.verifiedInstructions() < 500_000,
                        p.name() + " took " + info.verifiedInstructions() + " verifier instructions");
            }
            System.out.println("verifier instructions:" + counts);
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
