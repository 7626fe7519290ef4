package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import dev.ebpf4j.programs.AttachStrategy;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcOptions;
import dev.ebpf4j.programs.TcProgram;
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
 * The 9 model pods as real network namespaces behind one "node" namespace (never the root namespace, no route
 * out): pod x/a has 10.0.1.1/32 on eth0, reaches 10.0.0.0/16 through 169.254.1.1 (a local address of the node),
 * and its veth peer in the node namespace carries the policy programs (tcx ingress = from the pod, tcx egress = to
 * the pod), attached as tcx links by the programs module. Each pod runs a TCP/UDP server on ports 80 and 81.
 * Namespaces come from the testkit {@link Topology}, which also verifies that none has a way out.
 */
final class PodNetworks implements AutoCloseable {

    /** Namespace name prefix (a leak check looks for it). */
    static final String PREFIX = "e4jp";

    private final Topology topology = Topology.create(PREFIX);
    private final NetNamespace node;
    private final Map<String, NetNamespace> podNs = new LinkedHashMap<>();
    private final Map<String, String> hostVeth = new LinkedHashMap<>();
    private final List<Process> servers = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private final Path scripts;

    PodNetworks(Path tempDir) {
        scripts = tempDir;
        try {
            for (String f : List.of("server.py", "probe.py", "session.py", "udp.py")) {
                try (var in = PodNetworks.class.getResourceAsStream("/netpol/" + f)) {
                    Files.write(tempDir.resolve(f), in.readAllBytes());
                }
            }
            node = topology.namespace("node");
            build();
            topology.verifyIsolated();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private void build() throws IOException {
        // The pods' gateway is a local address of the node (answered by ARP on every veth).
        node.ip("addr", "add", "169.254.1.1/32", "dev", "lo");
        node.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        for (String key : TruthTableModel.podKeys()) {
            String[] p = key.split("/");
            NetNamespace ns = topology.namespace(p[0] + p[1]);
            String veth = "h" + p[0] + p[1];
            String ip = TruthTableModel.ip(p[0], p[1]).getHostAddress();
            podNs.put(key, ns);
            topology.veth(node, veth, null, ns, "eth0", ip + "/32");
            hostVeth.put(key, veth);
            ns.ip("route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
            ns.ip("route", "add", "10.0.0.0/16", "via", "169.254.1.1", "dev", "eth0");
            node.ip("route", "add", ip + "/32", "dev", veth);
            Process server = new ProcessBuilder("nsenter", "--net=" + ns.path(), "python3",
                    scripts.resolve("server.py").toString(), "80", "81").redirectErrorStream(true).start();
            servers.add(server);
            String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (!"ready".equals(ready)) {
                throw new IllegalStateException("server in " + ns + " did not start: " + ready);
            }
        }
    }

    /** Attaches the two programs to every pod's host-side veth as tcx links, from inside the node namespace. */
    void attach(BpfObject datapath) {
        TcProgram fromPod = TcProgram.of(datapath.program("policy_from_pod"));
        TcProgram toPod = TcProgram.of(datapath.program("policy_to_pod"));
        TcOptions tcx = TcOptions.defaults().strategy(AttachStrategy.LINK);
        node.run(() -> {
            for (String veth : hostVeth.values()) {
                links.add(fromPod.attach(veth, TcDirection.INGRESS, tcx));
                links.add(toPod.attach(veth, TcDirection.EGRESS, tcx));
            }
        });
    }

    /** The node's own address (on its loopback, the source of the node's connections to pods). */
    static final String NODE_ADDRESS = "169.254.1.1";

    /** @return whether a TCP or UDP probe from the node namespace reaches the pod */
    boolean fromNode(String to, int port, String protocol) {
        String[] p = to.split("/");
        String out = run(List.of("python3", scripts.resolve("probe.py").toString()), node.path() + " "
                + TruthTableModel.ip(p[0], p[1]).getHostAddress() + " " + port + " " + protocol + "\n");
        return out.trim().endsWith(" 1");
    }

    /**
     * Sends one UDP datagram of {@code size} bytes from a pod to another's port on a connected socket (larger than
     * the veths' 1500-byte MTU, it leaves the pod in fragments) and waits 1 s for the echo.
     *
     * @return "echo N" when N bytes came back equal, "refused" when an ICMP port unreachable reached the socket,
     *     else "timeout" or "other ..."
     */
    String udp(String from, String to, int port, int size) {
        String[] p = to.split("/");
        return run(List.of("nsenter", "--net=" + podNs.get(from).path(), "python3", scripts.resolve("udp.py").toString(),
                TruthTableModel.ip(p[0], p[1]).getHostAddress(), Integer.toString(port), Integer.toString(size)), "").strip();
    }

    /**
     * Probes a full matrix: every ordered pod pair (loopback included, callers ignore it).
     *
     * @return [source][destination] reachability in {@link TruthTableModel#podKeys()} order
     */
    boolean[][] matrix(int port, String protocol) {
        List<String> keys = TruthTableModel.podKeys();
        StringBuilder input = new StringBuilder();
        for (String from : keys) {
            for (String to : keys) {
                String[] p = to.split("/");
                input.append(podNs.get(from).path()).append(' ')
                        .append(TruthTableModel.ip(p[0], p[1]).getHostAddress()).append(' ').append(port).append(' ')
                        .append(protocol).append('\n');
            }
        }
        String out = run(List.of("python3", scripts.resolve("probe.py").toString()), input.toString());
        boolean[][] m = new boolean[9][9];
        for (String line : out.strip().split("\n")) {
            String[] f = line.trim().split(" ");
            int i = Integer.parseInt(f[0]);
            m[i / 9][i % 9] = f[1].equals("1");
        }
        return m;
    }

    /** Long-lived TCP connections to the pods' echo port 8080, driven one command at a time. */
    final class Session implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;

        private Session() throws IOException {
            process = new ProcessBuilder("python3", scripts.resolve("session.py").toString()).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** @return whether {@code from} could connect to {@code to}:8080 */
        boolean open(String id, String from, String to) {
            String[] p = to.split("/");
            return command("open " + id + " " + podNs.get(from).path() + " "
                    + TruthTableModel.ip(p[0], p[1]).getHostAddress() + " 8080");
        }

        /** @return whether a byte sent on the connection came back */
        boolean send(String id) {
            return command("send " + id);
        }

        private boolean command(String line) {
            try {
                process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
                String answer = out.readLine();
                if (answer == null) {
                    throw new IllegalStateException("session.py exited");
                }
                return answer.trim().endsWith(" 1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroy();
                }
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
            }
        }
    }

    /** @return a new session of long-lived connections */
    Session session() {
        try {
            return new Session();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(List<String> cmd, String stdin) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Link l : links) {
            try {
                l.close();
            } catch (Exception e) {
                failures.add(new IllegalStateException("closing " + l, e));
            }
        }
        links.clear();
        for (Process s : servers) {
            try {
                s.getOutputStream().close();
            } catch (IOException ignored) {
                // destroyed below either way
            }
            s.destroy();
        }
        servers.clear();
        try {
            topology.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("pod network cleanup failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }
}
