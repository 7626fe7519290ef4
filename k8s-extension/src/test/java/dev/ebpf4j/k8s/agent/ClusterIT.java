package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.lb.NodePortMode;
import dev.ebpf4j.testkit.TestCluster;
import dev.ebpf4j.testkit.TestCluster.Pod;
import dev.ebpf4j.testkit.Topology;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.PolicyEvaluator;
import dev.ebpf4j.k8s.policy.truthtable.Reachability;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase.Check;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase.Step;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCases;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableRunner;

import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import static dev.ebpf4j.k8s.agent.ClusterObjects.Svc;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The load balancer across a three-node {@link ClusterTestbed}: an agent JVM per node, one mock API, real traffic.
 * Pods: client1 and web1 on node-1, client2 and web2 on node-2, web3 on node-3. Built once for the class (the
 * expensive part); the tests run in order, the later ones switching the agents to DSR and removing a node.
 */
@Tag("kernel")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    /** Policy enforcement, and flows served on every node address for observe --cluster. */
    static final String[] AGENT_FLAGS = {"--policy", "--flows-port", "4244", "--flows-address", "0.0.0.0"};
    static final int CONNECTIONS = Integer.getInteger("cluster.connections", 10_000);
    static Path dir;
    static ClusterTestbed bed;
    static PodServers servers;
    static Pod client1, web1, client2, web2, web3;
    static ClusterTruthTable truthTable;
    static int matrices;

    @BeforeAll
    static void buildCluster() throws Exception {
        dir = Files.createTempDirectory("e4j-cluster");
        bed = ClusterTestbed.create("e4jcl", 3, dir);
        try {
            TestCluster c = bed.cluster;
            client1 = c.addPod(c.node(1), "client1");
            web1 = c.addPod(c.node(1), "web1");
            client2 = c.addPod(c.node(2), "client2");
            web2 = c.addPod(c.node(2), "web2");
            web3 = c.addPod(c.node(3), "web3");
            // The external client reaches the external and load-balancer IPs through the node that announces them.
            c.external().ip("route", "add", "10.101.0.10/32", "via", c.node(1).ipv4().getHostAddress());
            c.external().ip("route", "add", "10.102.0.10/32", "via", c.node(1).ipv4().getHostAddress());
            c.external().ip("route", "add", "10.102.0.30/32", "via", c.node(2).ipv4().getHostAddress());
            truthTable = new ClusterTruthTable(c, bed.client, dir);
            c.verifyIsolated();
            servers = new PodServers();
            for (Pod p : List.of(web1, web2, web3, client1)) servers.start(p);
            for (Pod p : List.of(client1, web1, client2, web2, web3)) {
                bed.client.resource(ApiObjects.pod(new dev.ebpf4j.k8s.model.Pod("default", p.name(), Map.of("app", p.name()),
                        List.of(p.ipv4(), p.ipv6()), p.node().name(), List.of()))).create();
            }
            apply(Svc.clusterIp("web", "10.96.0.10", "fd00:96::10"), List.of(web2, web3));
            apply(Svc.clusterIp("remote", "10.96.0.20", "fd00:96::20").externalIps("10.101.0.10")
                    .loadBalancer("10.102.0.10", 0).nodePort(30081, 30053), List.of(web2));
            apply(Svc.clusterIp("local", "10.96.0.30", "fd00:96::30").loadBalancer("10.102.0.30", 32082)
                    .nodePort(30082, 30054).policies("Local", null), List.of(web2));
            apply(Svc.clusterIp("ilocal", "10.96.0.40").policies(null, "Local"), List.of(web1, web2));
            truthTable.apply(TruthTableModel.initialState());
            bed.startAgents(NodePortMode.SNAT, AGENT_FLAGS);
        } catch (Throwable t) {
            tearDown();
            throw t;
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        System.out.printf("cross-node truth table: %d matrices measured (%d probes)%n", matrices, matrices * 81);
        try {
            if (truthTable != null) truthTable.close();
            if (servers != null) servers.close();
            if (bed != null) bed.close();
        } finally {
            bed = null;
            servers = null;
            if (dir != null) deleteTree(dir);
        }
        assertEquals(List.of(), Topology.leftoverNamespaces("e4jcl"), "namespaces left behind");
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static void apply(Svc svc, List<Pod> endpoints) {
        bed.client.services().resource(svc.build()).createOr(op -> op.update());
        for (EndpointSlice s : ClusterObjects.slices(svc.name(), endpoints)) {
            bed.client.resource(s).createOr(op -> op.update());
        }
    }

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    /** Retries {@code request} until it answers (the agents apply API changes asynchronously), at most 20 s. */
    static String eventually(Callable<String> request) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                return request.call();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }

    /** Who answered {@code n} requests, counted. */
    static Map<String, Integer> tally(int n, Callable<String> request) throws Exception {
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < n; i++) seen.merge(request.call(), 1, Integer::sum);
        return seen;
    }

    private static String server(String line) {
        return line.split(" ")[0];
    }

    @Test
    @Order(1)
    void clusterIpFromOnePodToBackendsOnTwoOtherNodes() throws Exception {
        for (String vip : List.of("10.96.0.10", "fd00:96::10")) {
            String own = (vip.contains(":") ? client1.ipv6() : client1.ipv4()).getHostAddress();
            eventually(() -> bed.cluster.inPod(client1, () -> PodServers.tcp(at(vip, 80), 2000)));
            Map<String, Integer> tcp = tally(60, () -> bed.cluster.inPod(client1, () -> PodServers.tcp(at(vip, 80), 2000)));
            Map<String, Integer> udp = tally(60, () -> bed.cluster.inPod(client1, () -> PodServers.udp(at(vip, 53), 2000)));
            System.out.println("ClusterIP " + vip + " from node-1: TCP " + tcp + ", UDP " + udp);
            for (Map<String, Integer> seen : List.of(tcp, udp)) {
                assertEquals(List.of("web2 " + own, "web3 " + own), List.copyOf(seen.keySet()),
                        "both remote backends answer, and see the client pod's own address");
            }
        }
    }

    @Test
    @Order(2)
    void nodePortExternalIpAndLoadBalancerIpWithSnat() throws Exception {
        String node1 = bed.cluster.node(1).ipv4().getHostAddress();
        NodePortLoad load = NodePortLoad.run(bed.cluster.external(), at(node1, 30081), CONNECTIONS);
        System.out.println("NodePort SNAT node-1 -> web2 on node-2: " + load);
        assertEquals(0, load.failed(), "failed connections: " + load.firstFailure());
        assertEquals(Map.of("web2 " + node1, CONNECTIONS), load.answers(), "SNAT: the backend sees node-1's address");
        for (InetSocketAddress frontend : List.of(at("10.101.0.10", 80), at("10.102.0.10", 80))) {
            Map<String, Integer> seen = tally(50, () -> bed.cluster.external().call(() -> PodServers.tcp(frontend, 2000)));
            assertEquals(Map.of("web2 " + node1, 50), seen, frontend + " through node-1");
        }
        Map<String, Integer> udp = tally(200, () -> bed.cluster.external().call(() -> PodServers.udp(at(node1, 30053), 2000)));
        assertEquals(Map.of("web2 " + node1, 200), udp, "UDP NodePort with SNAT");
    }

    @Test
    @Order(3)
    void hairpinPodReachesItsOwnService() throws Exception {
        String own = web2.ipv4().getHostAddress();
        Map<String, Integer> seen = tally(20, () -> bed.cluster.inPod(web2, () -> PodServers.tcp(at("10.96.0.20", 80), 2000)));
        assertEquals(Map.of("web2 " + own, 20), seen, "web2 reaches itself through its Service");
        Map<String, Integer> udp = tally(20, () -> bed.cluster.inPod(web2, () -> PodServers.udp(at("10.96.0.20", 53), 2000)));
        assertEquals(Map.of("web2 " + own, 20), udp, "UDP too");
    }

    @Test
    @Order(4)
    void externalTrafficPolicyLocalKeepsTheClientAddressAndAnswersHealthChecks() throws Exception {
        TestCluster c = bed.cluster;
        String client = TestCluster.EXTERNAL_IPV4.getHostAddress();
        for (InetSocketAddress frontend : List.of(at(c.node(2).ipv4().getHostAddress(), 30082), at("10.102.0.30", 80))) {
            Map<String, Integer> seen = tally(50, () -> c.external().call(() -> PodServers.tcp(frontend, 2000)));
            assertEquals(Map.of("web2 " + client, 50), seen, frontend + ": local endpoint, client address preserved");
        }
        for (int n : List.of(1, 3)) {
            InetSocketAddress np = at(c.node(n).ipv4().getHostAddress(), 30082);
            assertRefused(() -> c.external().call(() -> PodServers.tcp(np, 2000)), "node-" + n + " has no local endpoint");
        }
        for (TestCluster.Node n : c.nodes()) {
            HealthCheck h = c.external().call(() -> HealthCheck.get(n.ipv4().getHostAddress(), 32082));
            System.out.println("healthCheckNodePort on " + n.name() + ": " + h);
            if (n.index() == 2) {
                assertEquals(200, h.status());
                assertTrue(h.body().contains("\"localEndpoints\":1"), h.body());
                assertTrue(h.body().contains("\"name\":\"local\""), h.body());
            } else {
                assertEquals(503, h.status(), n.name() + " has no local endpoint");
                assertTrue(h.body().contains("\"localEndpoints\":0"), h.body());
            }
        }
    }

    @Test
    @Order(5)
    void internalTrafficPolicyLocalUsesOnlyTheNodesOwnEndpoints() throws Exception {
        TestCluster c = bed.cluster;
        assertEquals(Map.of("web1 " + client1.ipv4().getHostAddress(), 20),
                tally(20, () -> c.inPod(client1, () -> PodServers.tcp(at("10.96.0.40", 80), 2000))));
        assertEquals(Map.of("web2 " + client2.ipv4().getHostAddress(), 20),
                tally(20, () -> c.inPod(client2, () -> PodServers.tcp(at("10.96.0.40", 80), 2000))));
        assertRefused(() -> c.inPod(web3, () -> PodServers.tcp(at("10.96.0.40", 80), 2000)), "node-3 has no local endpoint of ilocal");
    }

    @Test
    @Order(6)
    void nodePortWithDsr() throws Exception {
        bed.startAgents(NodePortMode.DSR, AGENT_FLAGS);
        String node1 = bed.cluster.node(1).ipv4().getHostAddress();
        String client = TestCluster.EXTERNAL_IPV4.getHostAddress();
        eventually(() -> bed.cluster.external().call(() -> PodServers.tcp(at(node1, 30081), 2000)));
        NodePortLoad load = NodePortLoad.run(bed.cluster.external(), at(node1, 30081), CONNECTIONS);
        System.out.println("NodePort DSR node-1 -> web2 on node-2: " + load);
        assertEquals(0, load.failed(), "failed connections: " + load.firstFailure());
        assertEquals(Map.of("web2 " + client, CONNECTIONS), load.answers(), "DSR: the backend sees the client");
        Map<String, Integer> udp = tally(200, () -> bed.cluster.external().call(() -> PodServers.udp(at(node1, 30053), 2000)));
        assertEquals(Map.of("web2 " + client, 200), udp, "UDP NodePort with DSR");
    }

    static Stream<TruthTableCase> truthTableCases() {
        return TruthTableCases.all().stream();
    }

    /**
     * The upstream truth table with the 9 pods spread over the 3 nodes: for each step the state goes to the API, and
     * every (non-SCTP: this kernel has none) matrix measured with real traffic must equal both the upstream
     * expectation and the evaluator's, within 20 s of the change (the agents apply it asynchronously).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("truthTableCases")
    @Order(7)
    void truthTableAcrossNodesEqualsTheEvaluator(TruthTableCase testCase) throws Exception {
        ClusterState state = TruthTableModel.initialState();
        List<String> failures = new ArrayList<>();
        for (Step step : testCase.steps()) {
            state = step.change().apply(state);
            truthTable.apply(state);
            ClusterState placed = truthTable.placed(state);
            List<Check> checks = step.checks().stream().filter(ch -> ch.protocol() != L4Protocol.SCTP).toList();
            long deadline = System.nanoTime() + 20_000_000_000L;
            List<String> diffs;
            do {
                diffs = new ArrayList<>();
                for (Check check : checks) {
                    boolean[][] measured = truthTable.matrix(check.port(), check.protocol().name());
                    boolean[][] evaluated = TruthTableRunner.matrix(placed, check,
                            (st, probe) -> new PolicyEvaluator(st).evaluate(probe).allowed());
                    List<String> d = new ArrayList<>(check.expected().differences(measured));
                    d.addAll(check.expected().differences(evaluated).stream().map(x -> "evaluator " + x).toList());
                    if (!d.isEmpty()) {
                        diffs.add(step.description() + " " + check.port() + "/" + check.protocol() + ": " + d + "\nmeasured:\n"
                                + Reachability.render(measured) + "evaluator:\n" + Reachability.render(evaluated));
                    }
                }
            } while (!diffs.isEmpty() && System.nanoTime() < deadline);
            matrices += checks.size();
            failures.addAll(diffs);
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    /**
     * Flows of all nodes in one stream: HTTP from a pod on node-1 to a pod on node-2, then {@code ebpf4j observe
     * --cluster} run as a user runs it (its own JVM, in the external client's namespace, which reaches the nodes'
     * flow endpoints on the underlay) prints the request with its latency, seen by both nodes, in time order.
     */
    @Test
    @Order(8)
    void flowsOfAllNodesInOneStream() throws Exception {
        com.sun.net.httpserver.HttpServer http = web2.ns().call(() -> {
            var s = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(web2.ipv4(), 8088), 16);
            s.createContext("/api/users", ex -> {
                byte[] body = "[\"ana\",\"bo\"]".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                try (var out = ex.getResponseBody()) {
                    out.write(body);
                }
            });
            s.start();
            return s;
        });
        try {
            for (int i = 0; i < 3; i++) {
                int status = bed.cluster.inPod(client1, () -> {
                    var c = (HttpURLConnection) URI.create("http://" + web2.ipv4().getHostAddress() + ":8088/api/users").toURL().openConnection();
                    int code = c.getResponseCode();
                    c.getInputStream().readAllBytes();
                    c.disconnect();
                    return code;
                });
                assertEquals(200, status);
            }
            List<String> peers = bed.cluster.nodes().stream().map(n -> n.ipv4().getHostAddress() + ":4244").toList();
            List<String> args = new ArrayList<>(List.of("observe", "--cluster", "--last", "50", "--protocol", "http"));
            for (String p : peers) args.addAll(List.of("--peer", p));
            String out = "";
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                out = Cli.runIn(bed.cluster.external(), dir, args);
                if (out.contains("node-1: ") && out.contains("node-2: ") && out.contains("200  Latency")) break;
                Thread.sleep(200);
            }
            System.out.println("observe --cluster --protocol http:\n" + out);
            List<String> lines = out.lines().filter(l -> l.contains("HTTP GET /api/users")).toList();
            assertTrue(lines.stream().anyMatch(l -> l.contains("node-1: ") && l.contains("client1 → web2") && l.contains("200  Latency")),
                    "node-1 reports the request from client1 with its latency:\n" + out);
            assertTrue(lines.stream().anyMatch(l -> l.contains("node-2: ")), "node-2 reports it too:\n" + out);
            List<String> times = out.lines().filter(l -> l.contains(": ")).map(l -> l.substring(0, l.indexOf(" node-"))).toList();
            assertEquals(times.stream().sorted().toList(), times, "merged in time order");
        } finally {
            http.stop(0);
        }
    }

    @Test
    @Order(9)
    void removedNodeGetsNoNewConnectionsAndAKilledAgentDisturbsNoOtherNode() throws Exception {
        TestCluster c = bed.cluster;
        Map<String, Integer> before = tally(40, () -> server(c.inPod(client1, () -> PodServers.tcp(at("10.96.0.10", 80), 2000))));
        assertEquals(List.of("web2", "web3"), List.copyOf(before.keySet()), "before the removal both backends serve");
        long t0 = System.nanoTime();
        for (EndpointSlice s : ClusterObjects.slices("web", List.of(web2))) bed.client.resource(s).update();
        bed.client.nodes().withName(c.node(3).name()).delete();
        long lastToWeb3 = t0;
        int requests = 0;
        while (System.nanoTime() - lastToWeb3 < 500_000_000L && System.nanoTime() - t0 < 10_000_000_000L) {
            String who = server(c.inPod(client1, () -> PodServers.tcp(at("10.96.0.10", 80), 2000)));
            requests++;
            if (who.equals("web3")) lastToWeb3 = System.nanoTime();
        }
        double ms = (lastToWeb3 - t0) / 1e6;
        System.out.printf("node-3 removed: last new connection to web3 %.1f ms after the API update (%d requests)%n", ms, requests);
        assertTrue(ms < 1000, "web3 still got new connections " + ms + " ms after its node was removed");

        bed.agent(c.node(3)).kill();
        int failed = 0;
        for (int i = 0; i < 500; i++) {
            try {
                assertEquals("web2", server(c.inPod(client1, () -> PodServers.tcp(at("10.96.0.10", 80), 2000))));
                assertEquals("web1", server(c.inPod(client2, () -> PodServers.tcp(new InetSocketAddress(web1.ipv4(), PodServers.TCP), 2000))));
            } catch (IOException e) {
                failed++;
            }
        }
        assertEquals(0, failed, "requests between node-1 and node-2 failing after node-3's agent was killed");
    }

    /** Fails unless {@code request} is refused (a ConnectException, maybe wrapped by the namespace's thread). */
    static void assertRefused(Callable<String> request, String why) {
        Throwable t = assertThrows(Exception.class, request::call, why + ": refused");
        while (t != null && !(t instanceof ConnectException)) t = t.getCause();
        assertNotNull(t, why + ": refused, not failed otherwise");
    }

    /** An HTTP answer. */
    record HealthCheck(int status, String body) {
        static HealthCheck get(String host, int port) throws IOException {
            HttpURLConnection conn = (HttpURLConnection) URI.create("http://" + host + ":" + port + "/").toURL().openConnection();
            conn.setConnectTimeout(2000);
            conn.setReadTimeout(2000);
            int status = conn.getResponseCode();
            var in = status < 400 ? conn.getInputStream() : conn.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            conn.disconnect();
            return new HealthCheck(status, body.strip());
        }
    }
}
