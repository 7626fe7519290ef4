package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The LB datapath objects compile, pass this kernel's verifier, and have the map layouts the Java codecs write. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class LbObjectsIT {
    static final Path BPF_SOURCES = Path.of("../bpf-src/src/main/bpf");

    static Path compile(String name, Path dir) {
        Path out = dir.resolve(name.replace(".bpf.c", ".bpf.o"));
        BpfBuilder.create().compile(BPF_SOURCES.resolve(name), out);
        return out;
    }

    private static void assertSharedLayouts(BpfObject obj) {
        assertSizes(obj.map(LbMapCodec.SERVICES), LbMapCodec.SVC_KEY_SIZE, LbMapCodec.SVC_VALUE_SIZE);
        assertSizes(obj.map(LbMapCodec.SLOTS), LbMapCodec.SLOT_KEY_SIZE, LbMapCodec.SLOT_VALUE_SIZE);
        assertSizes(obj.map(LbMapCodec.MAGLEV), LbMapCodec.SLOT_KEY_SIZE, LbMapCodec.SLOT_VALUE_SIZE);
        assertSizes(obj.map(LbMapCodec.BACKENDS), LbMapCodec.BACKEND_KEY_SIZE, LbMapCodec.BACKEND_VALUE_SIZE);
        assertSizes(obj.map(LbMapCodec.AFFINITY), 32, 16);
    }

    private static void assertSizes(MapHandle m, int key, int value) {
        assertEquals(key, m.keySize(), m.name() + " key size");
        assertEquals(value, m.valueSize(), m.name() + " value size");
    }

    @Test
    void socketLbProgramsVerify(@TempDir Path dir) {
        try (BpfObject obj = BpfObject.open(compile("lb_sock.bpf.c", dir)).load()) {
            for (String p : List.of("lb_connect4", "lb_sendmsg4", "lb_recvmsg4", "lb_getpeername4",
                    "lb_connect6", "lb_sendmsg6", "lb_recvmsg6", "lb_getpeername6")) {
                assertTrue(obj.program(p).isLoaded(), p);
                assertTrue(obj.program(p).fd() >= 0, p);
            }
            assertSharedLayouts(obj);
            assertSizes(obj.map("lb_sock_rev"), 32, 20);
        }
    }

    @Test
    void nodePortProgramsVerify(@TempDir Path dir) {
        try (BpfObject obj = BpfObject.open(compile("lb_nodeport.bpf.c", dir)).load()) {
            assertTrue(obj.program("lb_nodeport_ingress").isLoaded());
            assertTrue(obj.program("lb_nodeport_reply").isLoaded());
            assertSharedLayouts(obj);
            assertSizes(obj.map("lb_ct"), 16, 24);
        }
    }
}
