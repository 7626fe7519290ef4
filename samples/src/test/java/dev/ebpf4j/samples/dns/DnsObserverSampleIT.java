package dev.ebpf4j.samples.dns;

import dev.ebpf4j.k8s.observe.DnsInfo;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class DnsObserverSampleIT {

    @Test
    void observesQueriesAndAnswersAsTheClientSawThem() throws Exception {
        Observed o = DnsObserverSample.run(List.of("db.demo.svc.cluster.local", "missing.demo.svc.cluster.local"));
        assertEquals(List.of(), o.problems());
        DnsInfo db = o.observed(o.client().get(0).id(), true).orElseThrow();
        assertEquals(List.of(InetAddress.getByName("10.96.0.20"), InetAddress.getByName("10.96.0.21")), db.answers());
        assertEquals("NOERROR", db.rcodeName());
        assertEquals("NXDOMAIN", o.observed(o.client().get(1).id(), true).orElseThrow().rcodeName());
        assertEquals(List.of(), Topology.leftoverNamespaces("e4j-dnso"));
    }
}
