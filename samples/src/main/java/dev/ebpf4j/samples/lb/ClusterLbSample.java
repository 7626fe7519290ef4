package dev.ebpf4j.samples.lb;

import dev.ebpf4j.testkit.TestCluster;
import dev.ebpf4j.testkit.TestCluster.Pod;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
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
import java.util.TreeMap;
import java.util.concurrent.Callable;

import static dev.ebpf4j.samples.lb.ClusterManifests.LOCAL_HEALTH_CHECK_PORT;
import static dev.ebpf4j.samples.lb.ClusterManifests.LOCAL_NODE_PORT;
import static dev.ebpf4j.samples.lb.ClusterManifests.WEB_NODE_PORT;
import static dev.ebpf4j.samples.lb.ClusterManifests.WEB_VIP;

/**
 * The load balancer across a three-node cluster made of network namespaces ({@link TestCluster}: nodes joined by an
 * underlay bridge, pod CIDRs routed natively, an external client on the underlay, no route out), each node run by
 * its own agent JVM. Pods: {@code client} on node-1, {@code web2} on node-2, {@code web3} on node-3, each answering
 * with its name and the address it saw. The demo shows, with a check for each:
 * <ul>
 *   <li>ClusterIP from node-1 to backends on the two other nodes (the socket LB of node-1's agent);</li>
 *   <li>NodePort from the external client through node-1 to a backend on another node, in SNAT mode (the backend
 *       sees node-1) and, after the agents restart, in DSR mode (the backend sees the client; node-1 hands the
 *       frontend to the backend's node in an IPv4 option and the reply goes straight back);</li>
 *   <li>{@code externalTrafficPolicy: Local}: the client's address preserved, nodes without a local endpoint refuse,
 *       the healthCheckNodePort answers 200 on node-2 only;</li>
 *   <li>flows of every node merged in one stream ({@code ebpf4j observe --cluster});</li>
 *   <li>an agent killed with -9: its pinned datapath goes on serving.</li>
 * </ul>
 *
 * <pre>scripts/run-sample.sh cluster [CONNECTIONS]</pre>
 */
public final class ClusterLbSample {
    private ClusterLbSample() {}

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        boolean ok = run(connections);
        System.out.println(ok ? "\nall checks passed" : "\nSOME CHECKS FAILED");
        System.exit(ok ? 0 : 1);
    }

    /** Runs the whole cluster demo with {@code connections} NodePort connections per mode; true when every check held. */
    public static boolean run(int connections) throws Exception {
        Path dir = Files.createTempDirectory("ebpf4j-cluster-demo");
        List<PeerEchoServer> servers = new ArrayList<>();
        ServiceLbSample.Checks checks = new ServiceLbSample.Checks();
        try (TestCluster c = TestCluster.create("e4jcs", 3)) {
            Pod client = c.addPod(c.node(1), "client");
            Pod web2 = c.addPod(c.node(2), "web2");
            Pod web3 = c.addPod(c.node(3), "web3");
            c.verifyIsolated();
            System.out.println("cluster: " + c.namespaces().keySet() + " (isolated: no default route, no foreign interface)");
            for (Pod p : List.of(web2, web3)) servers.add(PeerEchoServer.start(p));
            Path manifests = Files.createDirectories(dir.resolve("manifests"));
            ClusterManifests.write(manifests, List.of(web2, web3), web2);
            String node1 = c.node(1).ipv4().getHostAddress();
            String external = TestCluster.EXTERNAL_IPV4.getHostAddress();
            try (ClusterAgents agents = new ClusterAgents(c, manifests, dir)) {
                agents.start("snat");
                System.out.println("agents ready on " + c.nodes().stream().map(TestCluster.Node::name).toList() + " (NodePort mode snat)");

                Map<String, Integer> clusterIp = tally(200, () -> c.inPod(client, () -> PeerEchoServer.ask(at(WEB_VIP, 80))));
                System.out.println("\nClusterIP " + WEB_VIP + ":80 from client on node-1, 200 connections: " + clusterIp);
                String own = client.ipv4().getHostAddress();
                checks.expect("ClusterIP: web2 and web3 on the other nodes answer, and see the client's own address",
                        clusterIp.keySet().equals(java.util.Set.of("web2 " + own, "web3 " + own)));

                Map<String, Integer> snat = tally(connections, () -> c.external().call(() -> PeerEchoServer.ask(at(node1, WEB_NODE_PORT))));
                System.out.println("NodePort SNAT " + node1 + ":" + WEB_NODE_PORT + " from the external client: " + snat);
                checks.expect("NodePort SNAT: " + connections + " connections through node-1, none failed, backends see node-1's address",
                        snat.getOrDefault("failed", 0) == 0 && snat.keySet().stream().allMatch(k -> k.endsWith(" " + node1)));

                String node2 = c.node(2).ipv4().getHostAddress();
                Map<String, Integer> local = tally(50, () -> c.external().call(() -> PeerEchoServer.ask(at(node2, LOCAL_NODE_PORT))));
                System.out.println("\nexternalTrafficPolicy Local, node-2:" + LOCAL_NODE_PORT + ": " + local);
                checks.expect("Local: node-2 serves from its own endpoint and web2 sees the external client's address",
                        local.equals(Map.of("web2 " + external, 50)));
                Map<String, Integer> node1Local = tally(5, () -> c.external().call(() -> PeerEchoServer.ask(at(node1, LOCAL_NODE_PORT))));
                checks.expect("Local: node-1, without a local endpoint, refuses", node1Local.equals(Map.of("failed", 5)));
                List<Integer> health = new ArrayList<>();
                for (TestCluster.Node n : c.nodes()) {
                    int status = c.external().call(() -> healthStatus(n.ipv4().getHostAddress()));
                    System.out.println("healthCheckNodePort " + LOCAL_HEALTH_CHECK_PORT + " on " + n.name() + ": HTTP " + status);
                    health.add(status);
                }
                checks.expect("healthCheckNodePort: 200 on node-2, 503 on node-1 and node-3", health.equals(List.of(503, 200, 503)));

                String flows = observeCluster(c, agents, client, web3);
                System.out.println("\nebpf4j observe --cluster --protocol http (client on node-1 -> web3 on node-3):\n" + flows);
                checks.expect("observe --cluster: GET /hello with its latency, reported by node-1 and by node-3, in time order",
                        flows.lines().anyMatch(l -> l.contains("node-1: ") && l.contains("GET /hello") && l.contains("Latency"))
                                && flows.lines().anyMatch(l -> l.contains("node-3: ") && l.contains("GET /hello"))
                                && inTimeOrder(flows));

                agents.start("dsr");
                System.out.println("\nagents restarted with NodePort mode dsr");
                Map<String, Integer> dsr = tally(connections, () -> c.external().call(() -> PeerEchoServer.ask(at(node1, WEB_NODE_PORT))));
                System.out.println("NodePort DSR " + node1 + ":" + WEB_NODE_PORT + " from the external client: " + dsr);
                checks.expect("NodePort DSR: " + connections + " connections through node-1, none failed, backends see the client's address",
                        dsr.getOrDefault("failed", 0) == 0 && dsr.keySet().stream().allMatch(k -> k.endsWith(" " + external)));

                agents.kill(c.node(1));
                Map<String, Integer> afterKill = tally(200, () -> c.inPod(client, () -> PeerEchoServer.ask(at(WEB_VIP, 80))));
                System.out.println("\nnode-1's agent killed with -9; ClusterIP from node-1: " + afterKill);
                checks.expect("agent killed: node-1's pinned datapath goes on serving", !afterKill.containsKey("failed"));
            }
            return checks.report();
        } finally {
            for (PeerEchoServer s : servers) s.close();
            Manifests.delete(dir);
        }
    }

    /**
     * Three HTTP requests from the client pod on node-1 to web3's pod address on node-3, then the flows of all agents
     * merged by {@code ebpf4j observe --cluster}, run in the external client's namespace as a user would run it.
     */
    private static String observeCluster(TestCluster c, ClusterAgents agents, Pod client, Pod web3) throws Exception {
        HttpServer http = web3.ns().call(() -> HttpServer.create(new InetSocketAddress(web3.ipv4(), 8088), 16));
        http.createContext("/hello", ex -> {
            byte[] body = "hello from web3\n".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        try {
            for (int i = 0; i < 3; i++) {
                c.inPod(client, () -> {
                    var conn = (HttpURLConnection) URI.create("http://" + web3.ipv4().getHostAddress() + ":8088/hello").toURL().openConnection();
                    conn.getInputStream().readAllBytes();
                    conn.disconnect();
                    return null;
                });
            }
            List<String> args = new ArrayList<>(List.of("observe", "--cluster", "--last", "20", "--protocol", "http"));
            for (TestCluster.Node n : c.nodes()) args.addAll(List.of("--peer", n.ipv4().getHostAddress() + ":" + ClusterAgents.FLOWS_PORT));
            String out = "";
            for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(200)) {
                out = agents.cli(c.external(), args);
                if (out.contains("node-1: ") && out.contains("node-3: ")) break;
            }
            return out;
        } finally {
            http.stop(0);
        }
    }

    /** Whether the merged lines ({@code "Dec 6 03:53:49.291 node-1: ..."}) are sorted by their time stamps. */
    private static boolean inTimeOrder(String flows) {
        List<String> times = flows.lines().filter(l -> l.contains(" node-")).map(l -> l.substring(0, l.indexOf(" node-"))).toList();
        return !times.isEmpty() && times.equals(times.stream().sorted().toList());
    }

    private static int healthStatus(String host) throws IOException {
        var conn = (HttpURLConnection) URI.create("http://" + host + ":" + LOCAL_HEALTH_CHECK_PORT + "/").toURL().openConnection();
        conn.setConnectTimeout(2000);
        conn.setReadTimeout(2000);
        try {
            return conn.getResponseCode();
        } finally {
            conn.disconnect();
        }
    }

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    /** Who answered {@code n} requests, counted; failed requests under "failed". */
    private static Map<String, Integer> tally(int n, Callable<String> request) {
        Map<String, Integer> seen = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String who;
            try {
                who = request.call();
            } catch (Exception e) {
                who = "failed";
            }
            seen.merge(who, 1, Integer::sum);
        }
        return seen;
    }
}
