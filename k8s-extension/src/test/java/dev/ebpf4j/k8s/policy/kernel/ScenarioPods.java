package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.k8s.source.PolicyScenario;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pods of {@link PolicyScenario} as network namespaces behind a "node" namespace, wired the way a routed CNI
 * plugin wires them: each pod's eth0 has its /32, a link route to the gateway 169.254.1.1 (on the node's loopback) and
 * a route to 10.0.0.0/16 through it; the node has a host route {@code <pod ip>/32 dev pe-<pod>} to each pod, which
 * is what {@code PodInterfaces.hostRoutes()} reads. No namespace has a route out. Each pod serves TCP/UDP 80 and 81.
 */
public final class ScenarioPods implements AutoCloseable {
    /** Namespace name prefix (a leak check looks for it). */
    public static final String PREFIX = "e4jpe";
    /** The node's own address, on its loopback. */
    public static final String NODE_ADDRESS = "169.254.1.1";

    private final Topology topology = Topology.create(PREFIX);
    private final NetNamespace node;
    private final Map<String, NetNamespace> pods = new LinkedHashMap<>();
    private final Map<String, String> veths = new LinkedHashMap<>();
    private final List<Process> servers = new ArrayList<>();
    private final Path scripts;

    /** Builds the namespaces and starts the servers; {@code tempDir} receives the helper scripts. */
    public ScenarioPods(Path tempDir) {
        scripts = tempDir;
        try {
            for (String f : List.of("server.py", "probe.py")) {
                try (var in = ScenarioPods.class.getResourceAsStream("/netpol/" + f)) {
                    Files.write(tempDir.resolve(f), in.readAllBytes());
                }
            }
            node = topology.namespace("node");
            node.ip("addr", "add", NODE_ADDRESS + "/32", "dev", "lo");
            node.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            for (String key : PolicyScenario.POD_KEYS) {
                String name = key.split("/")[1];
                String ip = PolicyScenario.PODS.get(key);
                NetNamespace ns = topology.namespace(name);
                String veth = "pe-" + name;
                topology.veth(node, veth, null, ns, "eth0", ip + "/32");
                ns.ip("route", "add", NODE_ADDRESS, "dev", "eth0", "scope", "link");
                ns.ip("route", "add", "10.0.0.0/16", "via", NODE_ADDRESS, "dev", "eth0");
                node.ip("route", "add", ip + "/32", "dev", veth);
                pods.put(key, ns);
                veths.put(key, veth);
                Process server = new ProcessBuilder("nsenter", "--net=" + ns.path(), "python3",
                        scripts.resolve("server.py").toString(), "80", "81").redirectErrorStream(true).start();
                servers.add(server);
                String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
                if (!"ready".equals(ready)) throw new IllegalStateException("server in " + ns + " did not start: " + ready);
            }
            topology.verifyIsolated();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** @return the node namespace */
    public NetNamespace node() {
        return node;
    }

    /** @return pod key to its node-side interface */
    Map<String, String> veths() {
        return Map.copyOf(veths);
    }

    /**
     * Probes connections, all at once (each probe from inside its source namespace; a source of null is the node).
     *
     * @return whether each got through, in order
     */
    public boolean[] probe(List<PolicyScenario.Expect> probes) {
        StringBuilder input = new StringBuilder();
        for (PolicyScenario.Expect p : probes) {
            Path from = p.from() == null ? node.path() : pods.get(p.from()).path();
            input.append(from).append(' ').append(PolicyScenario.PODS.get(p.to())).append(' ').append(p.port()).append(' ')
                    .append(p.protocol()).append('\n');
        }
        boolean[] out = new boolean[probes.size()];
        try {
            Process proc = new ProcessBuilder("python3", scripts.resolve("probe.py").toString()).redirectErrorStream(true).start();
            proc.getOutputStream().write(input.toString().getBytes(StandardCharsets.UTF_8));
            proc.getOutputStream().close();
            String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (proc.waitFor() != 0) throw new IllegalStateException("probe.py failed: " + text);
            for (String line : text.strip().split("\n")) {
                String[] f = line.trim().split(" ");
                out[Integer.parseInt(f[0])] = f[1].equals("1");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Override
    public void close() {
        for (Process s : servers) s.destroy();
        servers.clear();
        topology.close();
    }
}
