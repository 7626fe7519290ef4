package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The 9 model pods as real network namespaces behind one "node" namespace (never the root namespace, no route
 * out): pod x/a has 10.0.1.1/32 on eth0, reaches 10.0.0.0/16 through 169.254.1.1 (a local address of the node),
 * and its veth peer in the node namespace carries the policy programs (tcx ingress = from the pod, tcx egress = to
 * the pod). Each pod runs a TCP/UDP server on ports 80 and 81. Test-only: attach moves onto the programs module's
 * TcxLink when it is merged.
 */
final class PodNetworks implements AutoCloseable {

    private static final int CLONE_NEWNET = 0x40000000;
    private static final int BPF_TCX_INGRESS = 46;
    private static final int BPF_TCX_EGRESS = 47;
    private static final MethodHandle OPEN = Native.libc("open", FunctionDescriptor.of(Native.C_INT, Native.C_POINTER, Native.C_INT));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(Native.C_INT, Native.C_INT));
    private static final MethodHandle SETNS = Native.libc("setns", FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_INT));
    private static final MethodHandle LINK_CREATE = Native.downcall("bpf_link_create", FunctionDescriptor.of(
            Native.C_INT, Native.C_INT, Native.C_INT, Native.C_INT, Native.C_POINTER));

    private final String suffix = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final String nodeNs = "e4j-pol-node-" + suffix;
    private final Map<String, String> podNs = new LinkedHashMap<>();
    private final Map<String, String> hostVeth = new LinkedHashMap<>();
    private final List<Process> servers = new ArrayList<>();
    private final List<Integer> links = new ArrayList<>();
    private final Path scripts;

    PodNetworks(Path tempDir) {
        try {
            scripts = tempDir;
            for (String f : List.of("server.py", "probe.py")) {
                try (var in = PodNetworks.class.getResourceAsStream("/netpol/" + f)) {
                    Files.write(tempDir.resolve(f), in.readAllBytes());
                }
            }
            build();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private void build() throws IOException {
        sh("ip", "netns", "add", nodeNs);
        sh("ip", "-n", nodeNs, "link", "set", "lo", "up");
        // The pods' gateway is a local address of the node (answered by ARP on every veth); no dummy driver here.
        sh("ip", "-n", nodeNs, "addr", "add", "169.254.1.1/32", "dev", "lo");
        sh("nsenter", "--net=/run/netns/" + nodeNs, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        for (String key : TruthTableModel.podKeys()) {
            String[] p = key.split("/");
            String ns = "e4j-pol-" + p[0] + p[1] + "-" + suffix;
            String veth = "e4j" + p[0] + p[1] + suffix;
            String ip = TruthTableModel.ip(p[0], p[1]).getHostAddress();
            sh("ip", "netns", "add", ns);
            podNs.put(key, ns);
            sh("ip", "-n", nodeNs, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
            hostVeth.put(key, veth);
            sh("ip", "-n", ns, "link", "set", "lo", "up");
            sh("ip", "-n", ns, "link", "set", "eth0", "up");
            sh("ip", "-n", ns, "addr", "add", ip + "/32", "dev", "eth0");
            sh("ip", "-n", ns, "route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
            sh("ip", "-n", ns, "route", "add", "10.0.0.0/16", "via", "169.254.1.1", "dev", "eth0");
            sh("ip", "-n", nodeNs, "link", "set", veth, "up");
            sh("ip", "-n", nodeNs, "route", "add", ip + "/32", "dev", veth);
            Process server = new ProcessBuilder("nsenter", "--net=/run/netns/" + ns, "python3",
                    scripts.resolve("server.py").toString(), "80", "81").redirectErrorStream(true).start();
            servers.add(server);
            String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (!"ready".equals(ready)) {
                throw new IllegalStateException("server in " + ns + " did not start: " + ready);
            }
        }
    }

    /** Attaches the two programs to every pod's host-side veth with tcx links (from a thread inside the node ns). */
    void attach(int fromPodFd, int toPodFd) {
        Throwable[] failure = {null};
        Thread t = new Thread(() -> {
            try (Arena arena = Arena.ofConfined()) {
                int nsFd = (int) OPEN.invokeExact(arena.allocateFrom("/run/netns/" + nodeNs), 0);
                if (nsFd < 0 || (int) SETNS.invokeExact(nsFd, CLONE_NEWNET) != 0) {
                    throw new IllegalStateException("cannot enter " + nodeNs);
                }
                int ignored = (int) CLOSE.invokeExact(nsFd);
                for (String veth : hostVeth.values()) {
                    int ifindex = ifindex(veth);
                    links.add(link(fromPodFd, ifindex, BPF_TCX_INGRESS));
                    links.add(link(toPodFd, ifindex, BPF_TCX_EGRESS));
                }
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        } else if (failure[0] != null) {
            throw new IllegalStateException("attach failed", failure[0]);
        }
    }

    private static int link(int prog, int ifindex, int type) throws Throwable {
        int fd = (int) LINK_CREATE.invokeExact(prog, ifindex, type, MemorySegment.NULL);
        if (fd < 0) {
            throw new IllegalStateException("tcx link create (type " + type + ", ifindex " + ifindex + "): errno " + (-fd));
        }
        return fd;
    }

    private int ifindex(String veth) {
        String out = sh("ip", "-n", nodeNs, "-o", "link", "show", "dev", veth);
        return Integer.parseInt(out.substring(0, out.indexOf(':')).trim());
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
                input.append("/run/netns/").append(podNs.get(from)).append(' ')
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

    private static String sh(String... cmd) {
        return run(List.of(cmd), "");
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
        for (int fd : links) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable e) {
                throw Native.unexpected(e);
            }
        }
        links.clear();
        for (Process s : servers) {
            try {
                s.getOutputStream().close();
            } catch (IOException ignored) {
                // the process is destroyed below either way
            }
            s.destroy();
        }
        servers.clear();
        for (String ns : podNs.values()) {
            runQuietly("ip", "netns", "del", ns);
        }
        podNs.clear();
        runQuietly("ip", "netns", "del", nodeNs);
    }

    private static void runQuietly(String... cmd) {
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
