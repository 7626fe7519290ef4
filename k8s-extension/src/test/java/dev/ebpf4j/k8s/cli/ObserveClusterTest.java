package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.DropReason;
import dev.ebpf4j.k8s.observe.Flow;
import dev.ebpf4j.k8s.observe.FlowEndpoint;
import dev.ebpf4j.k8s.observe.FlowEventView;
import dev.ebpf4j.k8s.observe.FlowHistory;
import dev.ebpf4j.k8s.observe.FlowSource;
import dev.ebpf4j.k8s.observe.FlowStreamServer;
import dev.ebpf4j.k8s.observe.FlowType;
import dev.ebpf4j.k8s.observe.TrafficDirection;
import dev.ebpf4j.k8s.observe.Verdict;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

/** {@code observe --cluster} against two flow servers on loopback. */
class ObserveClusterTest {
    @Test
    void printsTheMergedFlowsOfEveryPeer() {
        FlowHistory h1 = new FlowHistory(10), h2 = new FlowHistory(10);
        Instant t = Instant.parse("2026-12-05T10:00:00Z");
        h1.add(flow(t.plusMillis(2), 81));
        h2.add(flow(t.plusMillis(1), 80));
        try (var s1 = FlowStreamServer.start(source(h1), "node-1", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             var s2 = FlowStreamServer.start(source(h2), "node-2", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CliRun r = CliRun.run("observe", "--cluster", "--peer", "127.0.0.1:" + s1.address().getPort(),
                    "--peer", "127.0.0.1:" + s2.address().getPort());
            assertEquals(0, r.exit(), r.err());
            var lines = r.out().lines().toList();
            assertEquals(2, lines.size(), r.out());
            assertTrue(lines.get(0).contains(" node-2: 10.0.0.1:40000 → 10.0.0.9:80"), lines.get(0));
            assertTrue(lines.get(1).contains(" node-1: 10.0.0.1:40000 → 10.0.0.9:81"), lines.get(1));
            CliRun json = CliRun.run("observe", "--cluster", "-o", "json", "--port", "81", "--peer", "127.0.0.1:" + s1.address().getPort(),
                    "--peer", "127.0.0.1:" + s2.address().getPort());
            assertEquals(1, json.out().lines().count(), json.out());
            assertTrue(json.out().startsWith("{\"node_name\":\"node-1\","), json.out());
            CliRun none = CliRun.run("observe", "--cluster", "--peer", "127.0.0.1:1");
            assertEquals(1, none.exit());
            assertTrue(none.err().contains("127.0.0.1:1"), none.err());
        }
    }

    private static Flow flow(Instant t, int dport) {
        return new Flow(t, FlowType.TRACE, new FlowEndpoint(InetAddress.ofLiteral("10.0.0.1"), 40000, null),
                new FlowEndpoint(InetAddress.ofLiteral("10.0.0.9"), dport, null), 6, 0, Verdict.FORWARDED, DropReason.NONE, null,
                TrafficDirection.INGRESS, 3, null, Duration.ZERO, null);
    }

    private static FlowSource source(FlowHistory h) {
        return new FlowSource() {
            public FlowHistory history() { return h; }
            public AutoCloseable monitor(java.util.function.Consumer<FlowEventView> c) { return () -> { }; }
            public Stats stats() { return new Stats(0, 0, 0, 0); }
            public void close() { }
        };
    }
}
