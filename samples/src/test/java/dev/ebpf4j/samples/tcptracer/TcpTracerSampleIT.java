package dev.ebpf4j.samples.tcptracer;

import dev.ebpf4j.k8s.observe.TcpEvent;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class TcpTracerSampleIT {

    @Test
    void tracesEveryConnectionAndTheRefusedOne() throws Exception {
        Trace t = TcpTracerSample.run(4);
        assertEquals(List.of(), t.problems());
        assertEquals(5, t.attempts().size());
        for (Connections.Attempt a : t.attempts()) {
            if (a.refused()) continue;
            assertEquals(List.of(TcpEvent.ESTABLISHED, TcpEvent.CLOSE), t.eventsOf(a.localPort()), "port " + a.localPort());
            long hs = t.handshake(a.localPort()).toNanos();
            assertTrue(hs > 0 && hs <= a.connectNanos(), hs + " ns vs connect() " + a.connectNanos());
        }
        assertEquals(1, t.flows().stream().filter(f -> f.tcpEvent() == TcpEvent.REFUSED).count());
        assertEquals(4, t.flows().stream().filter(f -> f.tcpEvent() == TcpEvent.ACCEPTED).count());
        assertEquals(List.of(), Topology.leftoverNamespaces("e4j-tcpt"));
    }
}
