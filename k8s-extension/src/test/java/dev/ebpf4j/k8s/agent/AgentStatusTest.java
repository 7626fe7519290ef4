package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.LbDatapath;
import dev.ebpf4j.k8s.lb.SimulatedLbDatapath;
import dev.ebpf4j.k8s.lb.UpdatePlan;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.source.InMemorySource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Readiness and metrics when a sync fails to write the datapath, and the watchdog's retry that heals it. */
class AgentStatusTest {

    /** A simulated datapath whose next {@code failures} applies throw, as a full map would. */
    static final class FailingDatapath implements LbDatapath {
        final SimulatedLbDatapath inner = new SimulatedLbDatapath();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public void apply(UpdatePlan plan) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new IllegalStateException("lb_backends is full (E2BIG)");
            inner.apply(plan);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aFailedSyncMakesTheAgentNotReadyUntilTheRetrySucceeds() throws Exception {
        FailingDatapath datapath = new FailingDatapath();
        LbController controller = new LbController(LbConfig.forNode("n1"), datapath);
        try (InMemorySource source = new InMemorySource(); AgentStatus status = new AgentStatus(controller, source)) {
            controller.follow(source);
            source.start(java.time.Duration.ofSeconds(1));
            status.synced(true);
            assertEquals(java.util.Optional.empty(), status.notReady());
            assertTrue(status.metrics().contains("ebpf4j_lb_sync_errors_total 0"), status.metrics());

            datapath.failures.set(2);
            ServiceName web = new ServiceName("default", "web");
            source.putService(Service.clusterIp(web, InetAddress.ofLiteral("10.96.0.10"), List.of(ServicePort.of("http", Protocol.TCP, 80))));
            source.putSlice(new EndpointSlice("default", "web-1", web, AddressType.IPV4,
                    List.of(Endpoint.ready(InetAddress.ofLiteral("10.1.0.1"), "n1")), List.of(new EndpointPort("http", Protocol.TCP, 8080))));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (!controller.outOfDate() && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(controller.outOfDate(), "the failed sync leaves the datapath out of date");
            String reason = status.notReady().orElseThrow();
            assertTrue(reason.startsWith("datapath out of date") && reason.contains("E2BIG"), reason);
            assertTrue(status.metrics().contains("ebpf4j_lb_datapath_out_of_date 1"), status.metrics());

            // The watchdog retries (after 1 s, then 2 s after the second failure) until a sync goes through.
            deadline = System.nanoTime() + 10_000_000_000L;
            while (status.notReady().isPresent() && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(java.util.Optional.empty(), status.notReady(), "ready again once the retry applied the state");
            assertTrue(datapath.inner.service(InetAddress.ofLiteral("10.96.0.10"), 80, Protocol.TCP).isPresent(),
                    "the retry wrote what the failed syncs could not");
            String m = status.metrics();
            assertTrue(m.contains("ebpf4j_lb_sync_errors_total 2"), m);
            assertTrue(m.contains("ebpf4j_lb_datapath_out_of_date 0"), m);
            assertTrue(m.contains("ebpf4j_lb_sync_retries_total"), m);
            assertTrue(m.contains("ebpf4j_lb_last_sync_age_seconds"), m);
        }
    }

    /** A source over an in-memory one whose connection the test sets. */
    static final class SwitchedSource implements dev.ebpf4j.k8s.source.ClusterSource {
        final InMemorySource inner = new InMemorySource();
        volatile boolean connected = true;

        @Override public boolean connected() { return connected; }
        @Override public dev.ebpf4j.k8s.source.ClusterSnapshot snapshot() { return inner.snapshot(); }
        @Override public void addListener(java.util.function.Consumer<dev.ebpf4j.k8s.source.ClusterSnapshot> l) { inner.addListener(l); }
        @Override public void start(java.time.Duration timeout) { inner.start(timeout); }
        @Override public void close() { inner.close(); }
    }

    /**
     * Every watch ends now and then (its server-side timeout, a 410 Gone re-list) and is reopened within a moment: that
     * is no outage. A watch closed for several seconds is one, reported once with the time it began.
     */
    @Test
    void aWatchReopenedWithinASecondIsNoOutageOneClosedForSecondsIs() throws Exception {
        LbController controller = new LbController(LbConfig.forNode("n1"), new SimulatedLbDatapath());
        try (SwitchedSource source = new SwitchedSource(); AgentStatus status = new AgentStatus(controller, source)) {
            source.start(java.time.Duration.ofSeconds(1));
            status.synced(true);
            for (int i = 0; i < 3; i++) {
                source.connected = false;
                Thread.sleep(900);
                source.connected = true;
                Thread.sleep(1500);
            }
            assertEquals(java.util.Optional.empty(), status.notReady());
            assertTrue(status.metrics().contains("ebpf4j_agent_api_disconnects_total 0"), status.metrics());

            java.time.Instant lost = java.time.Instant.now();
            source.connected = false;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (status.notReady().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
            String reason = status.notReady().orElseThrow();
            assertTrue(reason.startsWith("API server unreachable since"), reason);
            java.time.Instant since = java.time.Instant.parse(reason.split(" ")[4].replace(";", ""));
            assertTrue(java.time.Duration.between(lost, since).abs().toMillis() < 1500, "since " + since + ", lost at " + lost);
            assertTrue(status.metrics().contains("ebpf4j_agent_api_disconnects_total 1"), status.metrics());
            source.connected = true;
            deadline = System.nanoTime() + 3_000_000_000L;
            while (status.notReady().isPresent() && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(java.util.Optional.empty(), status.notReady());
        }
    }
}
