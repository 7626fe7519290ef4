package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The observe datapath objects compile with CO-RE and pass this kernel's verifier. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class ObserveProgramsLoadIT {

    @Test
    void tcpLifecycleProgramsLoad() {
        try (BpfObject obj = BpfObject.open(ObserveObjects.compile("observe_tcp")).load()) {
            assertEquals(ProgramType.TRACEPOINT, obj.program("observe_tcp_state").type());
            assertEquals(ProgramType.TRACEPOINT, obj.program("observe_tcp_retransmit").type());
            assertTrue(obj.program("observe_tcp_state").isLoaded());
            assertEquals(MapType.RINGBUF, obj.map("observe_events").type());
            assertEquals(MapType.LRU_HASH, obj.map("observe_syn_start").type());
        }
    }

    @Test
    void l7CaptureProgramsLoadForTcx() {
        try (BpfObject obj = BpfObject.open(ObserveObjects.compile("observe_l7")).load()) {
            assertEquals(ProgramType.SCHED_CLS, obj.program("observe_l7_ingress").type());
            assertEquals(AttachType.TCX_INGRESS, obj.program("observe_l7_ingress").expectedAttachType());
            assertEquals(AttachType.TCX_EGRESS, obj.program("observe_l7_egress").expectedAttachType());
            assertEquals(MapType.RINGBUF, obj.map("observe_l7_events").type());
        }
    }
}
