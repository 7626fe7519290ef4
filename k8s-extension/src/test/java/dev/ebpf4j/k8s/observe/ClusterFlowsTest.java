package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** Two in-process flow servers merged by {@link ClusterFlows}: history, filters passed to the peers, following. */
class ClusterFlowsTest {
    private static Flow flow(Instant t, String src, int dport, Verdict v) {
        return new Flow(t, FlowType.TRACE, new FlowEndpoint(InetAddress.ofLiteral(src), 40000, null),
                new FlowEndpoint(InetAddress.ofLiteral("10.0.0.9"), dport, null), 6, 0, v, DropReason.NONE, null,
                TrafficDirection.INGRESS, 3, null, Duration.ZERO, null);
    }

    @Test
    void mergesPeersByTimeAppliesFiltersAndFollows() throws Exception {
        Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
        FlowHistory h1 = new FlowHistory(100), h2 = new FlowHistory(100);
        h1.add(flow(t0.plusMillis(30), "10.0.0.1", 80, Verdict.FORWARDED));
        h1.add(flow(t0.plusMillis(10), "10.0.0.1", 81, Verdict.DROPPED));
        h2.add(flow(t0.plusMillis(20), "10.0.0.2", 80, Verdict.FORWARDED));
        try (var s1 = FlowStreamServer.start(source(h1), "node-1", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             var s2 = FlowStreamServer.start(source(h2), "node-\"2\"", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            List<String> peers = List.of("127.0.0.1:" + s1.address().getPort(), "127.0.0.1:" + s2.address().getPort());
            List<ClusterFlows.Line> all = ClusterFlows.last(peers, Map.of(), 10, Duration.ofSeconds(5));
            assertEquals(List.of("node-1", "node-\"2\"", "node-1"), all.stream().map(ClusterFlows.Line::node).toList());
            assertTrue(all.stream().map(ClusterFlows.Line::time).toList().equals(List.of(t0.plusMillis(10), t0.plusMillis(20), t0.plusMillis(30))));
            assertTrue(all.get(1).summary().contains("10.0.0.2:40000 → 10.0.0.9:80"), all.get(1).summary());

            List<ClusterFlows.Line> forwarded = ClusterFlows.last(peers, Map.of("verdict", List.of("FORWARDED"), "port", List.of("80")), 10, Duration.ofSeconds(5));
            assertEquals(2, forwarded.size(), "the peers applied the filter");
            assertEquals(1, ClusterFlows.last(peers, Map.of(), 1, Duration.ofSeconds(5)).size(), "last 1 of the merge");
            assertThrows(java.io.IOException.class, () -> ClusterFlows.last(peers, Map.of("colour", List.of("red")), 5, Duration.ofSeconds(5)),
                    "an unknown filter is refused by the peer, naming it");

            List<ClusterFlows.Line> followed = new CopyOnWriteArrayList<>();
            try (AutoCloseable f = ClusterFlows.follow(peers, Map.of(), Duration.ofMillis(100), followed::add, e -> { })) {
                Thread.sleep(300);
                Instant now = Instant.now();
                h2.add(flow(now.plusMillis(5), "10.0.0.2", 80, Verdict.FORWARDED));
                h1.add(flow(now, "10.0.0.1", 80, Verdict.FORWARDED));
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (followed.size() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
            }
            assertEquals(List.of("node-1", "node-\"2\""), followed.stream().map(ClusterFlows.Line::node).toList(), "released in time order");
        }
    }

    private static FlowSource source(FlowHistory h) {
        return new FlowSource() {
            @Override
            public FlowHistory history() {
                return h;
            }

            @Override
            public AutoCloseable monitor(java.util.function.Consumer<FlowEventView> consumer) {
                return () -> { };
            }

            @Override
            public Stats stats() {
                return new Stats(0, 0, 0, 0);
            }

            @Override
            public void close() {
            }
        };
    }
}
