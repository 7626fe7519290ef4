package dev.ebpf4j.samples.lb;

import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main demo, as the README's demo command runs it: every check must hold and nothing may be left behind. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class ServiceLbSampleIT {

    @Test
    void distributionScaleUpFailoverAndRefusalHold() throws Exception {
        assertTrue(ServiceLbSample.run(150), "see the printed checks");
        assertEquals(List.of(), Topology.leftoverNamespaces("e4jlb"));
    }
}
