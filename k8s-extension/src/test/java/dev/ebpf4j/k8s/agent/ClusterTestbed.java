package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.lb.NodePortMode;
import dev.ebpf4j.testkit.KernelMounts;
import dev.ebpf4j.testkit.TestCluster;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link TestCluster} run by real node agents: fabric8's mock API server in CRUD mode holds the cluster's objects
 * (one API for every node), reached from the node namespaces through the cluster's relay on the underlay; on each
 * node the agent JVM runs with the DaemonSet's entry point ({@code Agent --kubeconfig}) inside the node's namespace,
 * with its own pin directory and the node's cgroup, serving NodePorts on the node's {@code eth0}. The agents share
 * nothing but the API.
 */
final class ClusterTestbed implements AutoCloseable {
    final TestCluster cluster;
    final KubernetesMockServer server;
    final KubernetesClient client;
    private final Path dir;
    private final Path kubeconfig;
    private final Map<TestCluster.Node, AgentProcess> agents = new LinkedHashMap<>();
    private final Map<TestCluster.Node, Path> pinDirs = new LinkedHashMap<>();

    private ClusterTestbed(TestCluster cluster, KubernetesMockServer server, Path dir, Path kubeconfig) {
        this.cluster = cluster;
        this.server = server;
        this.client = server.createClient();
        this.dir = dir;
        this.kubeconfig = kubeconfig;
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        for (TestCluster.Node n : cluster.nodes()) pinDirs.put(n, KernelMounts.bpffs().resolve("e4j-cl-" + tag + "-" + n.index()));
    }

    /** The cluster, the API server with a Node object per node, no agents yet. */
    static ClusterTestbed create(String prefix, int nodes, Path dir) throws IOException {
        TestCluster cluster = TestCluster.create(prefix, nodes);
        KubernetesMockServer server = null;
        try {
            server = new KubernetesMockServer(new Context(), new MockWebServer(), new java.util.HashMap<>(),
                    new KubernetesCrudDispatcher(), false);
            server.init();
            InetSocketAddress api = cluster.relayToLoopback(server.getPort());
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: test
                      cluster: {server: "http://%s:%d"}
                    users:
                    - name: agent
                      user: {token: agent-token}
                    contexts:
                    - name: test
                      context: {cluster: test, user: agent}
                    current-context: test
                    """.formatted(api.getAddress().getHostAddress(), api.getPort()));
            ClusterTestbed bed = new ClusterTestbed(cluster, server, dir, kubeconfig);
            for (TestCluster.Node n : cluster.nodes()) {
                bed.client.nodes().resource(new NodeBuilder().withNewMetadata().withName(n.name()).endMetadata()
                        .withNewSpec().withPodCIDR(n.podCidr4()).withPodCIDRs(n.podCidr4(), n.podCidr6()).endSpec()
                        .withNewStatus().addNewAddress().withType("InternalIP").withAddress(n.ipv4().getHostAddress()).endAddress()
                        .addNewAddress().withType("InternalIP").withAddress(n.ipv6().getHostAddress()).endAddress().endStatus()
                        .build()).create();
            }
            return bed;
        } catch (IOException | RuntimeException | Error e) {
            if (server != null) server.destroy();
            cluster.close();
            throw e;
        }
    }

    /** Starts (or restarts) the agent of every node in {@code mode}, with extra flags, and waits for all to be ready. */
    void startAgents(NodePortMode mode, String... extra) throws Exception {
        stopAgents();
        for (TestCluster.Node n : cluster.nodes()) {
            List<String> args = new ArrayList<>(List.of("--kubeconfig", "--cgroup", n.cgroup().path().toString(),
                    "--pin-dir", pinDirs.get(n).toString(), "--node", n.name(), "--devices", "eth0",
                    "--nodeport-mode", mode.name().toLowerCase()));
            args.addAll(List.of(extra));
            agents.put(n, AgentProcess.startIn(n.ns().path(), log(n), Map.of("KUBECONFIG", kubeconfig.toString()),
                    args.toArray(String[]::new)));
        }
        for (AgentProcess a : agents.values()) a.awaitReady();
    }

    /** The agent of {@code node}. */
    AgentProcess agent(TestCluster.Node node) {
        return agents.get(node);
    }

    /** The log of {@code node}'s agent. */
    Path log(TestCluster.Node node) {
        return dir.resolve("agent-" + node.name() + ".log");
    }

    /** The pin directory of {@code node}'s agent. */
    Path pinDir(TestCluster.Node node) {
        return pinDirs.get(node);
    }

    /** SIGKILLs every agent (their pinned datapaths go on serving). */
    void stopAgents() throws InterruptedException {
        for (AgentProcess a : agents.values()) a.close();
        agents.clear();
    }

    /** Stops the agents, uninstalls every node's datapath, stops the API server, removes the cluster. */
    @Override
    public void close() throws Exception {
        List<Throwable> failures = new ArrayList<>();
        try {
            stopAgents();
        } catch (Exception e) {
            failures.add(e);
        }
        for (TestCluster.Node n : cluster.nodes()) {
            try {
                if (Files.exists(pinDirs.get(n)) && AgentProcess.uninstall(pinDirs.get(n), log(n)) != 0) {
                    failures.add(new AssertionError("agent --uninstall failed on " + n.name() + "; see " + log(n)));
                }
            } catch (Exception e) {
                failures.add(e);
            }
        }
        try {
            client.close();
            server.destroy();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            cluster.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("cluster testbed cleanup failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }
}
