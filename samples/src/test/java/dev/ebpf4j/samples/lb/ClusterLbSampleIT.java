package dev.ebpf4j.samples.lb;

import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster demo as {@code scripts/run-sample.sh cluster} runs it: every check must hold, nothing left behind. */
@Tag("kernel")
class ClusterLbSampleIT {

    @Test
    void clusterIpNodePortSnatDsrLocalPolicyFlowsAndAgentKillHold() throws Exception {
        assertTrue(ClusterLbSample.run(300), "see the printed checks");
        assertEquals(List.of(), Topology.leftoverNamespaces("e4jcs"));
    }
}
