package dev.ebpf4j.samples.lb;

import dev.ebpf4j.k8s.agent.Agent;
import dev.ebpf4j.k8s.cli.Ebpf4jCli;
import dev.ebpf4j.testkit.KernelMounts;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node agent of every node as its own JVM, the DaemonSet's entry point run inside the node's namespace
 * ({@code nsenter --net}) with the node's cgroup, its own pin directory, the NodePort datapath on the node's
 * {@code eth0} and its flows served on the node's address. They share nothing but the manifest directory.
 */
final class ClusterAgents implements AutoCloseable {
    static final int FLOWS_PORT = 4244;
    private final TestCluster cluster;
    private final Path manifests;
    private final Path logs;
    private final Map<TestCluster.Node, Process> running = new LinkedHashMap<>();
    private final Map<TestCluster.Node, Path> pinDirs = new LinkedHashMap<>();

    ClusterAgents(TestCluster cluster, Path manifests, Path logs) throws IOException {
        this.cluster = cluster;
        this.manifests = manifests;
        this.logs = logs;
        for (TestCluster.Node n : cluster.nodes()) {
            pinDirs.put(n, KernelMounts.bpffs().resolve("e4j-cluster-demo-" + ProcessHandle.current().pid() + "-" + n.index()));
        }
    }

    /** (Re)starts every node's agent with NodePorts in {@code mode} ("snat" or "dsr"); returns when all are ready. */
    void start(String mode) throws Exception {
        stop();
        for (TestCluster.Node n : cluster.nodes()) {
            // region cluster-agent
            running.put(n, launch(n.ns(), log(n), Agent.class.getName(), "--manifests", manifests.toString(),
                    "--cgroup", n.cgroup().path().toString(), "--pin-dir", pinDirs.get(n).toString(), "--node", n.name(),
                    "--devices", "eth0", "--nodeport-mode", mode, "--flows-port", String.valueOf(FLOWS_PORT),
                    "--flows-address", n.ipv4().getHostAddress()));
            // endregion
        }
        for (var e : running.entrySet()) awaitReady(e.getKey(), e.getValue());
    }

    /** SIGKILLs {@code node}'s agent, as a crash would (its pinned datapath goes on serving). */
    void kill(TestCluster.Node node) throws InterruptedException {
        Process p = running.remove(node);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code ebpf4j args...} as its own JVM in {@code ns}; returns its output. */
    String cli(NetNamespace ns, List<String> args) throws Exception {
        Path log = logs.resolve("cli.log");
        Process p = launch(ns, log, Ebpf4jCli.class.getName(), args.toArray(String[]::new));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("ebpf4j " + String.join(" ", args) + " failed; see " + log);
        }
        return out;
    }

    private Path log(TestCluster.Node n) {
        return logs.resolve("agent-" + n.name() + ".log");
    }

    private static Process launch(NetNamespace ns, Path log, String main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.path(), java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Waits for the agent's start report, the line beginning with "ready". */
    private void awaitReady(TestCluster.Node n, Process p) throws Exception {
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        var ready = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) if (line.startsWith("ready ")) return line;
            } catch (IOException ignored) {
                // the agent exited
            }
            return null;
        });
        String line = ready.get(90, TimeUnit.SECONDS);
        if (line == null) throw new IllegalStateException("the agent of " + n.name() + " exited; its log:\n" + Files.readString(log(n)));
        Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { }));
    }

    private void stop() throws InterruptedException {
        for (TestCluster.Node n : List.copyOf(running.keySet())) kill(n);
    }

    /** Stops the agents and removes each node's datapath with {@code Agent --uninstall}. */
    @Override
    public void close() throws Exception {
        stop();
        for (Path pins : pinDirs.values()) {
            if (!Files.exists(pins)) continue;
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Agent.class.getName(), "--uninstall", "--pin-dir", pins.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("uninstall.log").toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("agent --uninstall of " + pins + " failed; see " + logs.resolve("uninstall.log"));
            }
        }
    }
}
