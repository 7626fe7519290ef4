package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.DropReason;
import dev.ebpf4j.k8s.observe.EndpointIdentity;
import dev.ebpf4j.k8s.observe.Flow;
import dev.ebpf4j.k8s.observe.FlowEndpoint;
import dev.ebpf4j.k8s.observe.FlowType;
import dev.ebpf4j.k8s.observe.HttpInfo;
import dev.ebpf4j.k8s.observe.TcpEvent;
import dev.ebpf4j.k8s.observe.TrafficDirection;
import dev.ebpf4j.k8s.observe.Verdict;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObserveCommandTest {
    static FlowEndpoint ep(String ip, int port, String pod) throws Exception {
        return new FlowEndpoint(InetAddress.getByName(ip), port, new EndpointIdentity(pod, "default", Map.of("app", pod)));
    }

    static List<Flow> flows() throws Exception {
        FlowEndpoint fe = ep("10.0.0.1", 40000, "frontend-pod"), be = ep("10.0.0.2", 8080, "backend-pod");
        Instant now = Instant.now();
        return List.of(
                new Flow(now.minusSeconds(600), FlowType.SOCK, fe, be, 6, 0, Verdict.FORWARDED, DropReason.NONE, null,
                        TrafficDirection.UNKNOWN, 0, TcpEvent.ESTABLISHED, Duration.ofMillis(1), null),
                new Flow(now.minusSeconds(5), FlowType.L7, fe, be, 6, 0, Verdict.FORWARDED, DropReason.NONE, null,
                        TrafficDirection.EGRESS, 3, null, Duration.ofMillis(325),
                        new HttpInfo("GET", "/api/users", "HTTP/1.1", 200, Duration.ofMillis(325))),
                new Flow(now.minusSeconds(1), FlowType.DROP, be, fe, 6, 2, Verdict.DROPPED, DropReason.POLICY_DENIED,
                        null, TrafficDirection.INGRESS, 4, null, Duration.ZERO, null));
    }

    @Test
    void jsonOutputCarriesTheSeedExample() throws Exception {
        // region observe-json
        CliRun r = CliRun.run(null, new RecordedFlowSource(flows()),
                "observe", "--from-pod", "frontend", "--type", "l7", "-o", "json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.out());
        assertTrue(lines[0].contains("\"http\":{\"method\":\"GET\",\"url\":\"/api/users\",\"protocol\":\"HTTP/1.1\",\"code\":200"), lines[0]);
        assertTrue(lines[0].contains("\"summary\":\"frontend-pod → backend-pod  HTTP GET /api/users  200  Latency: 325ms\""), lines[0]);
        assertTrue(lines[0].contains("\"pod_name\":\"backend-pod\""), lines[0]);
        // endregion
    }

    @Test
    void filtersCombineAndSinceAndLastApply() throws Exception {
        // region observe-filters
        RecordedFlowSource src = new RecordedFlowSource(flows());
        assertEquals(3, lines(CliRun.run(null, src, "observe")));
        assertEquals(2, lines(CliRun.run(null, src, "observe", "--since", "1m")));
        assertEquals(1, lines(CliRun.run(null, src, "observe", "--last", "1")));
        assertEquals(2, lines(CliRun.run(null, src, "observe", "--type", "sock", "--type", "drop")));
        assertEquals(0, lines(CliRun.run(null, src, "observe", "--type", "drop", "--from-pod", "frontend")));
        CliRun drop = CliRun.run(null, src, "observe", "--verdict", "DROPPED");
        assertTrue(drop.out().contains("default/backend-pod:8080 -> default/frontend-pod:40000 DROPPED TCP [SYN] DROPPED (POLICY_DENIED)"), drop.out());
        // endregion
    }

    @Test
    void tableOutputHasHeaderAndColumns() throws Exception {
        CliRun r = CliRun.run(null, new RecordedFlowSource(flows()), "observe", "-o", "table", "--protocol", "http");
        assertTrue(r.out().startsWith("TIME"), r.out());
        assertTrue(r.out().contains("default/frontend-pod:40000"), r.out());
        assertTrue(r.out().contains("HTTP GET /api/users  200  Latency: 325ms"), r.out());
        assertTrue(!r.out().contains("\u001b["), "no ANSI escapes when not a terminal");
    }

    @Test
    void followPrintsNewFlowsUntilTimeout() throws Exception {
        RecordedFlowSource src = new RecordedFlowSource(List.of());
        List<Flow> later = flows();
        Thread feeder = Thread.ofVirtual().start(() -> {
            long until = System.nanoTime() + 10_000_000_000L;
            while (src.history.subscriberCount() == 0 && System.nanoTime() < until) Thread.onSpinWait();
            later.forEach(src.history::add);
        });
        CliRun r = CliRun.run(null, src, "observe", "-f", "--timeout", "3s", "--type", "l7");
        feeder.join();
        assertEquals(1, lines(r), r.out());
    }

    @Test
    void badFilterValuesExitWithUsageError() {
        CliRun r = CliRun.run(null, new RecordedFlowSource(List.of()), "observe", "--http-status", "7+");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--http-status 7+"), r.err());
        assertEquals(1, CliRun.run("observe").exit());
        assertTrue(CliRun.run("observe").err().contains("no flow source"));
    }

    static int lines(CliRun r) {
        return r.out().isBlank() ? 0 : r.out().strip().split("\n").length;
    }
}
