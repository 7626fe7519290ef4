package dev.ebpf4j.samples.sniffer;

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
class SnifferSampleIT {

    @Test
    void keepsSynsDnsAndTheChosenPortOnly() throws Exception {
        SnifferSample.Capture c = SnifferSample.run(7000);
        assertEquals(List.of(), c.problems());
        assertEquals(9, c.packets().size());
        assertEquals(c.kept(), c.packets().size(), "every kept frame reached the socket");
        assertTrue(c.packets().stream().noneMatch(p -> p.l4().orElseThrow().destinationPort() == MixedTraffic.NOISE_PORT));
        assertEquals(List.of(), Topology.leftoverNamespaces("e4j-sniff"));
    }

    @Test
    void theChosenPortIsALoadTimeConstant() throws Exception {
        // The demo sends its port datagrams to whichever port the filter keeps, so the counts stay the same.
        SnifferSample.Capture c = SnifferSample.run(7001);
        assertEquals(List.of(), c.problems());
        assertTrue(c.packets().stream().anyMatch(p -> p.l4().orElseThrow().destinationPort() == 7001));
        assertEquals(List.of(), Topology.leftoverNamespaces("e4j-sniff"));
    }
}
