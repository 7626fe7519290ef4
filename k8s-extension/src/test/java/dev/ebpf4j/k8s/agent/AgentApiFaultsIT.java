package dev.ebpf4j.k8s.agent;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.ebpf4j.k8s.agent.ClusterObjects.Svc;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The agent against an API server that fails: one agent JVM following fabric8's mock API server (CRUD mode) through a
 * relay that can cut the path, with requests to a Service flowing from a client namespace throughout. The API server
 * stops for {@code faults.outage.seconds} (60 by default) while objects change behind it, watches end with 410 Gone,
 * an EndpointSlice arrives before its Service, and a burst of objects lands at once; after each, the datapath equals
 * the API's state, and readiness and metrics said what happened.
 */
@Tag("kernel")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentApiFaultsIT {
    static final int OUTAGE_SECONDS = Integer.getInteger("faults.outage.seconds", 60);
    static Path dir;
    static AgentTestbed bed;
    static FaultyApiDispatcher dispatcher;
    static KubernetesMockServer server;
    static KubernetesClient api;
    static ApiRelay relay;
    static AgentProcess agent;
    static int healthPort;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("e4j-faults");
        bed = new AgentTestbed("e4jaf", 3);
        try {
            dispatcher = new FaultyApiDispatcher();
            server = new KubernetesMockServer(new Context(), new MockWebServer(), new java.util.HashMap<>(), dispatcher, false);
            server.init();
            api = server.createClient();
            relay = ApiRelay.start(server.getPort());
            Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - {name: test, cluster: {server: "http://127.0.0.1:%d"}}
                    users:
                    - {name: agent, user: {token: agent-token}}
                    contexts:
                    - {name: test, context: {cluster: test, user: agent}}
                    current-context: test
                    """.formatted(relay.port()));
            apply("web", "10.96.0.10", 1, 2);
            apply("gone", "10.96.0.11", 3);
            try (ServerSocket s = new ServerSocket(0)) {
                healthPort = s.getLocalPort();
            }
            agent = bed.cgroup.runInside(() -> AgentProcess.startWith(dir.resolve("agent.log"), Map.of("KUBECONFIG", kubeconfig.toString()),
                    "--kubeconfig", "--cgroup", bed.cgroup.path().toString(), "--pin-dir", bed.pinDir.toString(), "--node", "n1",
                    "--health-port", String.valueOf(healthPort)));
            agent.awaitReady();
            awaitReady(true, 30);
        } catch (Throwable t) {
            stop();
            throw t;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (agent != null) agent.close();
            if (bed != null && Files.exists(bed.pinDir)) AgentProcess.uninstall(bed.pinDir, dir.resolve("agent.log"));
            if (relay != null) relay.close();
            if (api != null) api.close();
            if (server != null) server.destroy();
        } finally {
            if (bed != null) bed.close();
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** The Service {@code name} at {@code vip}:80 (to 8080) with the testbed's backends {@code backends} ready. */
    static void apply(String name, String vip, int... backends) {
        api.services().resource(Svc.clusterIp(name, vip).build()).createOr(op -> op.update());
        api.resource(slice(name, backends)).createOr(op -> op.update());
    }

    static EndpointSlice slice(String service, int... backends) {
        var b = new EndpointSliceBuilder().withNewMetadata().withNamespace("default").withName(service + "-ipv4")
                .addToLabels("kubernetes.io/service-name", service).endMetadata().withAddressType("IPv4")
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort();
        for (int i : backends) {
            b.addNewEndpoint().withAddresses(AgentTestbed.backendIp(i)).withNodeName("n1")
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions().endEndpoint();
        }
        return b.build();
    }

    /** Requests to web (10.96.0.10:80) from the client, in a loop on its own thread, until closed. */
    static final class Traffic implements AutoCloseable {
        final AtomicLong ok = new AtomicLong(), failed = new AtomicLong();
        final Set<String> seen = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> first = new AtomicReference<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Traffic() {
            // The test methods run inside the cgroup (the whole JVM is in it then), so this thread's sockets are too.
            thread = Thread.ofPlatform().name("traffic").start(() -> bed.client.run(() -> {
                while (!stop.get()) {
                    try {
                        seen.add(AgentTestbed.request(80));
                        ok.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        first.compareAndSet(null, e);
                    }
                    sleep(20);
                }
            }));
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }

        void assertNoFailure(String during) {
            assertEquals(0, failed.get(), () -> during + ": failed requests, first: " + first.get());
            assertTrue(ok.get() > 0, during + ": requests were sent");
        }
    }

    @Test
    @Order(1)
    void apiServerDownForAMinuteTheDatapathServesTheLastStateAndResyncsAfter() throws Exception {
        inCgroup(() -> {
            long cpuBefore;
            long cpuDuring;
            try (Traffic traffic = new Traffic()) {
                relay.cut();
                long cutAt = System.nanoTime();
                traffic.seen.clear();
                String reason = awaitReady(false, 15);
                assertTrue(reason.contains("API server unreachable"), reason);
                assertTrue(metrics().contains("ebpf4j_agent_api_connected 0"), metrics());
                // Behind the outage: one Service deleted, the other's endpoints changed.
                api.services().inNamespace("default").withName("gone").delete();
                api.resource(slice("gone")).delete();
                api.resource(slice("web", 2, 3)).update();
                cpuBefore = cpuTicks(agent.pid());
                while (System.nanoTime() - cutAt < OUTAGE_SECONDS * 1_000_000_000L) Thread.sleep(200);
                cpuDuring = cpuTicks(agent.pid()) - cpuBefore;
                long served = traffic.ok.get();
                traffic.assertNoFailure("API server down");
                assertFalse(traffic.seen.contains("b3"), "while the API is down the old endpoints (b1, b2) serve");
                relay.restore();
                long restoredAt = System.nanoTime();
                awaitReady(true, 60);
                double resyncSeconds = (System.nanoTime() - restoredAt) / 1e9;
                awaitServedBy(Set.of("b2", "b3"), 20);
                assertTrue(goneIsGone(), "the Service deleted during the outage is removed after the resync");
                double cpuShare = cpuDuring / 100.0 / (OUTAGE_SECONDS - 1);
                System.out.printf("API outage %d s: %d requests served, 0 failed; agent CPU while down %.2f s (%.1f%% of a core); "
                        + "ready again %.1f s after the API returned%n", OUTAGE_SECONDS, served, cpuDuring / 100.0, cpuShare * 100, resyncSeconds);
                assertTrue(cpuShare < 0.05, "the agent must not busy-loop while the API is down: " + cpuShare);
                traffic.assertNoFailure("API server down and back");
            }
            String m = metrics();
            assertTrue(m.contains("ebpf4j_agent_api_disconnects_total 1"), m);
            assertTrue(m.contains("ebpf4j_agent_ready 1"), m);
        });
    }

    @Test
    @Order(2)
    void aWatchEndingWith410GoneRelistsWithoutLosingAnUpdate() throws Exception {
        inCgroup(() -> {
            try (Traffic traffic = new Traffic()) {
                int listsBefore = dispatcher.lists();
                dispatcher.goneOnNextWatches(2);
                relay.cut();
                api.resource(slice("web", 1)).update();
                relay.restore();
                awaitServedBy(Set.of("b1"), 30);
                assertTrue(dispatcher.goneAnswered() > 0, "the watches were answered 410");
                assertTrue(dispatcher.lists() > listsBefore, "410 Gone makes the informers list again");
                awaitReady(true, 30);
                System.out.printf("410 Gone: %d watches refused, %d re-lists, the update made meanwhile applied; %d requests, 0 failed%n",
                        dispatcher.goneAnswered(), dispatcher.lists() - listsBefore, traffic.ok.get());
                traffic.assertNoFailure("410 Gone");
            }
        });
    }

    @Test
    @Order(3)
    void anEndpointSliceBeforeItsServiceAndDuplicatedUpdatesConverge() throws Exception {
        inCgroup(() -> {
            try (Traffic traffic = new Traffic()) {
                api.resource(slice("late", 2)).create();
                Thread.sleep(500);
                api.services().resource(Svc.clusterIp("late", "10.96.0.12").build()).create();
                for (int i = 0; i < 3; i++) api.resource(slice("web", 1, 2)).update();
                awaitServedBy(Set.of("b1", "b2"), 20);
                String late = awaitAnswer("10.96.0.12", 20);
                assertEquals("b2", late, "the Service that came after its slice serves the slice's endpoint");
                // A malformed Service: ignored with one log line and a metric naming it; the others keep serving.
                api.services().resource(new io.fabric8.kubernetes.api.model.ServiceBuilder(Svc.clusterIp("broken", "10.96.0.13").build())
                        .editSpec().withClusterIP("10.96.0.300").withClusterIPs("10.96.0.300").endSpec().build()).create();
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!metrics().contains("object=\"default/broken\"") && System.nanoTime() < deadline) Thread.sleep(100);
                String m = metrics();
                assertTrue(m.contains("ebpf4j_agent_rejected_object{kind=\"Service\",object=\"default/broken\",reason=\""), m);
                assertEquals(1, Files.readAllLines(dir.resolve("agent.log")).stream().filter(l -> l.contains("Service default/broken")).count(),
                        "one log line for the malformed Service");
                assertEquals("b2", awaitAnswer("10.96.0.12", 5));
                traffic.assertNoFailure("out-of-order and duplicated events");
            }
        });
    }

    @Test
    @Order(4)
    void aBurstOfServicesIsAppliedInBoundedMemory() throws Exception {
        inCgroup(() -> {
            int n = Integer.getInteger("faults.burst", 5000) / 2;
            long rssBefore = rssKb(agent.pid());
            try (Traffic traffic = new Traffic()) {
                long t0 = System.nanoTime();
                // Four writers, as controllers writing at once would.
                try (var writers = java.util.concurrent.Executors.newFixedThreadPool(4)) {
                    List<java.util.concurrent.Future<Object>> done = new java.util.ArrayList<>();
                    for (int w = 0; w < 4; w++) {
                        int first = w;
                        done.add(writers.submit(() -> {
                            for (int i = first; i < n; i += 4) {
                                String name = "burst-" + i;
                                api.services().resource(Svc.clusterIp(name, "10.97." + (i / 250) + "." + (i % 250 + 1)).build()).create();
                                api.resource(slice(name, 1 + i % 3)).create();
                            }
                            return null;
                        }));
                    }
                    for (var f : done) f.get();
                }
                double createSeconds = (System.nanoTime() - t0) / 1e9;
                String last = awaitAnswer("10.97." + ((n - 1) / 250) + "." + ((n - 1) % 250 + 1), 60);
                assertEquals("b" + (1 + (n - 1) % 3), last);
                double applySeconds = (System.nanoTime() - t0) / 1e9;
                long rssAfter = rssKb(agent.pid());
                System.out.printf("burst: %d objects (%d Services + slices) created in %.1f s, the last one served %.1f s after the first "
                        + "create; agent RSS %d -> %d MB; %d requests, 0 failed%n", 2 * n, n, createSeconds, applySeconds,
                        rssBefore / 1024, rssAfter / 1024, traffic.ok.get());
                assertTrue(rssAfter < 600 * 1024, "agent RSS after the burst: " + rssAfter / 1024 + " MB");
                traffic.assertNoFailure("burst");
            }
            assertTrue(metrics().contains("ebpf4j_lb_sync_errors_total 0"), metrics());
        });
    }

    // --- helpers ---

    /** Runs {@code body} with this JVM in the testbed's cgroup, where the agent's socket LB applies. */
    static void inCgroup(dev.ebpf4j.testkit.NetNamespace.ThrowingRunnable body) throws Exception {
        bed.cgroup.runInside(() -> {
            body.run();
            return null;
        });
    }

    static boolean goneIsGone() {
        try {
            bed.client.call(() -> request("10.96.0.11"));
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    static String request(String vip) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(vip), 80), 1000);
            s.setSoTimeout(2000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }

    static String awaitAnswer(String vip, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            try {
                return bed.client.call(() -> request(vip));
            } catch (Exception e) {
                if (System.nanoTime() > deadline) throw new AssertionError(vip + " not served after " + seconds + " s", e);
                Thread.sleep(100);
            }
        }
    }

    /** Waits until 30 requests in a row are answered only by {@code backends}, each of them at least once. */
    static void awaitServedBy(Set<String> backends, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Set<String> seen = Set.of();
        while (System.nanoTime() < deadline) {
            seen = bed.client.call(() -> {
                Set<String> s = new java.util.TreeSet<>();
                for (int i = 0; i < 30; i++) s.add(AgentTestbed.request(80));
                return s;
            });
            if (seen.equals(backends)) return;
            Thread.sleep(100);
        }
        fail("web served by " + seen + ", not " + backends + ", after " + seconds + " s");
    }

    /** Waits for /readyz to be 200 (or 503 when {@code ready} is false); returns its body. */
    static String awaitReady(boolean ready, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            var conn = (HttpURLConnection) URI.create("http://127.0.0.1:" + healthPort + "/readyz").toURL().openConnection();
            int code = conn.getResponseCode();
            var in = code < 400 ? conn.getInputStream() : conn.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if ((code == 200) == ready) return body;
            if (System.nanoTime() > deadline) throw new AssertionError("/readyz still " + code + " after " + seconds + " s: " + body);
            Thread.sleep(200);
        }
    }

    static String metrics() throws Exception {
        var conn = (HttpURLConnection) URI.create("http://127.0.0.1:" + healthPort + "/metrics").toURL().openConnection();
        return new String(conn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** utime + stime of {@code pid}, in clock ticks (USER_HZ, 100 on Linux). */
    static long cpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static long rssKb(long pid) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
