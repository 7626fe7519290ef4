package dev.ebpf4j.samples.tccounter;

import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class TcCounterSampleIT {

    @Test
    void countsEveryPodsDatagramsExactlyPerDirection() throws Exception {
        Map<String, PodCounts> counted = TcCounterSample.run();
        assertEquals(PodTraffic.expected(TcCounterSample.PLAN), counted);
        // a sent 10 x 100 B to b and 20 x 200 B to c: 30 packets, 30 x 42 B of headers on top of the payloads.
        assertEquals(new PodCounts(30, 10 * 142 + 20 * 242, 7, 7 * 342), counted.get("a"));
        assertEquals(List.of(), Topology.leftoverNamespaces("e4j-tcc"));
    }

    @Test
    void expectedCountsFollowThePlan() {
        Map<String, PodCounts> e = PodTraffic.expected(List.of(new PodTraffic.Send("a", "b", 3, 10)));
        assertEquals(new PodCounts(3, 3 * 52, 0, 0), e.get("a"));
        assertEquals(new PodCounts(0, 0, 3, 3 * 52), e.get("b"));
        assertEquals(new PodCounts(0, 0, 0, 0), e.get("c"));
    }
}
