package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import dev.ebpf4j.testkit.TestCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The upstream truth-table model's 9 pods (x/y/z x a/b/c, at the model's addresses) spread over the nodes of a
 * {@link TestCluster}, pod i of {@link TruthTableModel#podKeys()} on node (i mod N) + 1, each serving TCP/UDP 80
 * and 81 ({@code server.py}); a model state written to the API server as Namespaces, Pods (with their node) and
 * NetworkPolicies; whole 9 x 9 matrices probed with real connections in parallel ({@code probe.py}).
 */
final class ClusterTruthTable implements AutoCloseable {
    private final TestCluster cluster;
    private final KubernetesClient client;
    private final Path scripts;
    private final Map<String, TestCluster.Pod> pods = new LinkedHashMap<>();
    private final Map<String, String> nodeOf = new HashMap<>();
    private final List<Process> servers = new ArrayList<>();
    private ClusterState applied;

    ClusterTruthTable(TestCluster cluster, KubernetesClient client, Path dir) throws IOException {
        this.cluster = cluster;
        this.client = client;
        this.scripts = Files.createDirectories(dir.resolve("netpol"));
        for (String f : List.of("server.py", "probe.py")) {
            try (var in = ClusterTruthTable.class.getResourceAsStream("/netpol/" + f)) {
                Files.write(scripts.resolve(f), in.readAllBytes());
            }
        }
        List<String> keys = TruthTableModel.podKeys();
        for (int i = 0; i < keys.size(); i++) {
            String[] k = keys.get(i).split("/");
            TestCluster.Node node = cluster.node(i % cluster.nodes().size() + 1);
            TestCluster.Pod pod = cluster.addPod(node, "tt-" + k[0] + k[1], (Inet4Address) TruthTableModel.ip(k[0], k[1]));
            pods.put(keys.get(i), pod);
            nodeOf.put(keys.get(i), node.name());
            Process server = new ProcessBuilder("nsenter", "--net=" + pod.ns().path(), "python3",
                    scripts.resolve("server.py").toString(), "80", "81").redirectErrorStream(true).start();
            servers.add(server);
            String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (!"ready".equals(ready)) throw new IllegalStateException("server in " + pod.ns() + " did not start: " + ready);
        }
    }

    /** The node each model pod runs on, by key. */
    Map<String, String> nodes() {
        return Map.copyOf(nodeOf);
    }

    /** {@code state} with every pod on its cluster node and the cluster's node addresses. */
    ClusterState placed(ClusterState state) {
        List<Pod> placed = state.pods().stream().map(p -> new Pod(p.namespace(), p.name(), p.labels(), p.ips(),
                nodeOf.getOrDefault(p.namespace() + "/" + p.name(), p.node()), p.ports())).toList();
        Map<String, List<java.net.InetAddress>> nodeIps = new LinkedHashMap<>();
        for (TestCluster.Node n : cluster.nodes()) nodeIps.put(n.name(), List.of(n.ipv4()));
        return new ClusterState(state.namespaces(), placed, state.policies(), nodeIps);
    }

    /** Writes {@code state} (placed) to the API: creates and updates what it has, deletes what it no longer has. */
    void apply(ClusterState state) {
        ClusterState s = placed(state);
        for (Namespace ns : s.namespaces()) client.resource(ApiObjects.namespace(ns)).createOr(op -> op.update());
        for (Pod p : s.pods()) client.resource(ApiObjects.pod(p)).createOr(op -> op.update());
        for (NetworkPolicy np : s.policies()) client.resource(ApiObjects.policy(np)).createOr(op -> op.update());
        if (applied != null) {
            for (NetworkPolicy old : applied.policies()) {
                if (s.policies().stream().noneMatch(np -> np.namespace().equals(old.namespace()) && np.name().equals(old.name()))) {
                    client.network().v1().networkPolicies().inNamespace(old.namespace()).withName(old.name()).delete();
                }
            }
            for (Pod old : applied.pods()) {
                if (s.pods().stream().noneMatch(p -> p.namespace().equals(old.namespace()) && p.name().equals(old.name()))) {
                    client.pods().inNamespace(old.namespace()).withName(old.name()).delete();
                }
            }
        }
        applied = s;
    }

    /** Probes every ordered pod pair in parallel: [source][destination] in {@link TruthTableModel#podKeys()} order. */
    boolean[][] matrix(int port, String protocol) {
        List<String> keys = TruthTableModel.podKeys();
        StringBuilder input = new StringBuilder();
        for (String from : keys) {
            for (String to : keys) {
                input.append(pods.get(from).ns().path()).append(' ').append(pods.get(to).ipv4().getHostAddress())
                        .append(' ').append(port).append(' ').append(protocol).append('\n');
            }
        }
        try {
            ProcessBuilder pb = new ProcessBuilder("python3", scripts.resolve("probe.py").toString()).redirectErrorStream(true);
            pb.environment().put("PROBE_TIMEOUT", "0.5");
            Process p = pb.start();
            p.getOutputStream().write(input.toString().getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException("probe.py failed: " + out);
            boolean[][] m = new boolean[9][9];
            for (String line : out.strip().split("\n")) {
                String[] f = line.trim().split(" ");
                int i = Integer.parseInt(f[0]);
                m[i / 9][i % 9] = f[1].equals("1");
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Removes the model's objects from the API and stops the servers. */
    @Override
    public void close() {
        for (Process p : servers) p.destroyForcibly();
        if (applied != null) {
            for (NetworkPolicy np : applied.policies()) client.network().v1().networkPolicies().inNamespace(np.namespace()).withName(np.name()).delete();
        }
    }
}
