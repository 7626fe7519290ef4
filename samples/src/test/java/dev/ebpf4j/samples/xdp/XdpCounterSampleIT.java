package dev.ebpf4j.samples.xdp;

import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class XdpCounterSampleIT {

    @Test
    void countsEveryDatagramAndCleansUp() throws Exception {
        assertEquals(300, XdpCounterSample.run(300));
        assertEquals(java.util.List.of(), Topology.leftoverNamespaces("e4j-demo"));
    }
}
