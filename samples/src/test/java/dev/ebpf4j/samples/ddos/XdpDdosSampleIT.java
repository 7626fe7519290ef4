package dev.ebpf4j.samples.ddos;

import dev.ebpf4j.bpf.DdosReason;
import dev.ebpf4j.samples.ddos.XdpDdosSample.Source;
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
class XdpDdosSampleIT {

    @Test
    void blocksTheListRateLimitsTheFlooderAndPassesTheRest() throws Exception {
        XdpDdosSample.Result r = XdpDdosSample.run(200, 50);
        assertEquals(List.of(), r.problems());
        assertEquals(0, r.traffic().delivered(Source.BLOCKED));
        assertEquals(r.traffic().sent(Source.LEGIT), r.traffic().delivered(Source.LEGIT));
        long flood = r.traffic().delivered(Source.FLOODER);
        assertTrue(flood >= 50 && flood <= r.floodAllowance() * 1.2 + 10, "flooder delivered " + flood);
        assertEquals(r.traffic().sent(Source.BLOCKED), (long) r.byReason().get(DdosReason.DDOS_BLOCKLISTED));
        assertEquals(List.of(), Topology.leftoverNamespaces("e4j-ddos"));
    }

    @Test
    void aTighterBucketLetsFewerThrough() throws Exception {
        XdpDdosSample.Result r = XdpDdosSample.run(100, 10);
        assertEquals(List.of(), r.problems());
        assertTrue(r.traffic().delivered(Source.FLOODER) <= r.floodAllowance() * 1.2 + 10, r.toString());
        // The legitimate source sends 50 packets/s, half this rate: it still gets everything through.
        assertEquals(List.of(), Topology.leftoverNamespaces("e4j-ddos"));
    }
}
