package dev.ebpf4j.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cluster of network namespaces: N "node" namespaces (default 3) joined by one underlay bridge that lives in its own
 * namespace, pods behind each node wired like a routed CNI, and an "external client" namespace on the underlay that
 * reaches the nodes' addresses only. Pod CIDRs are routed between nodes natively (a route per other node's pod CIDR
 * via its underlay address). No namespace has a route out of the cluster: a packet to any other address meets
 * "network unreachable".
 *
 * <table>
 *   <caption>Addresses (node i = 1..N, pod k = 1.. on its node)</caption>
 *   <tr><th></th><th>IPv4</th><th>IPv6</th></tr>
 *   <tr><td>underlay</td><td>10.100.0.0/24</td><td>fd00:100::/64</td></tr>
 *   <tr><td>node i ({@code eth0})</td><td>10.100.0.(10+i)</td><td>fd00:100::(10+i)</td></tr>
 *   <tr><td>pod CIDR of node i</td><td>10.244.i.0/24</td><td>fd00:244:i::/64</td></tr>
 *   <tr><td>pod k of node i ({@code eth0})</td><td>10.244.i.(k+1)/32</td><td>fd00:244:i::(k+1)/128</td></tr>
 *   <tr><td>external client</td><td>10.100.0.200</td><td>fd00:100::200</td></tr>
 *   <tr><td>{@link #relayToLoopback relays}</td><td>10.100.0.250</td><td></td></tr>
 * </table>
 * A pod's gateway is 169.254.1.1 (IPv4, on the node's loopback) and fe80::1 (IPv6, on the node's end of the pod's
 * veth, {@code lxcK}); pods route 10.0.0.0/8 and fd00::/8 through it, the node has a host route to each pod. Each node
 * has its own cgroup: a process's sockets belong to the node whose cgroup it was in when it made them, which is what
 * cgroup socket hooks (a node agent's ClusterIP load balancer) see; {@link #inPod} runs code as a pod of a node.
 *
 * {@snippet :
 * try (TestCluster c = TestCluster.create("e4jc", 3)) {
 *     TestCluster.Pod web = c.addPod(c.node(2), "web");
 *     TestCluster.Pod client = c.addPod(c.node(1), "client");
 *     c.verifyIsolated();
 *     c.inPod(client, () -> new java.net.Socket(web.ipv4(), 80));
 * }
 * }
 * Requirements: root, iproute2, cgroup v2.
 */
public final class TestCluster implements AutoCloseable {
    private static final String BRIDGE = "br0";
    /** The external client's IPv4 address. */
    public static final Inet4Address EXTERNAL_IPV4 = (Inet4Address) InetAddress.ofLiteral("10.100.0.200");
    /** The external client's IPv6 address. */
    public static final Inet6Address EXTERNAL_IPV6 = (Inet6Address) InetAddress.ofLiteral("fd00:100::200");
    private static final Inet4Address RELAY_IPV4 = (Inet4Address) InetAddress.ofLiteral("10.100.0.250");

    /**
     * A node.
     *
     * @param index  1..N
     * @param name   {@code node-<index>}, the Kubernetes node name tests use
     * @param ns     its network namespace (the "host network")
     * @param ipv4   its underlay address, on {@code eth0}
     * @param ipv6   its underlay IPv6 address
     * @param cgroup the cgroup its pods' processes run in
     */
    public record Node(int index, String name, NetNamespace ns, Inet4Address ipv4, Inet6Address ipv6, TestCgroup cgroup) {
        /** {@code 10.244.<index>.0/24}. */
        public String podCidr4() {
            return "10.244." + index + ".0/24";
        }

        /** {@code fd00:244:<index>::/64}. */
        public String podCidr6() {
            return "fd00:244:" + index + "::/64";
        }
    }

    /**
     * A pod.
     *
     * @param name          its name (unique in the cluster)
     * @param node          the node it runs on
     * @param ns            its network namespace
     * @param ipv4          its address
     * @param ipv6          its IPv6 address
     * @param nodeInterface the node's end of its veth ({@code lxc<k>})
     */
    public record Pod(String name, Node node, NetNamespace ns, Inet4Address ipv4, Inet6Address ipv6, String nodeInterface) {
    }

    private final Topology topology;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Pod> pods = new CopyOnWriteArrayList<>();
    private final List<ServerSocket> relays = new CopyOnWriteArrayList<>();
    private final NetNamespace underlay;
    private final NetNamespace external;

    private TestCluster(Topology topology) {
        this.topology = topology;
        this.underlay = topology.namespace("ul");
        this.external = topology.namespace("ext");
    }

    /**
     * Builds {@code nodeCount} nodes (1..20), the underlay and the external client; namespace names start with
     * {@code prefix} (≤ 8 characters). On failure everything made so far is removed.
     */
    public static TestCluster create(String prefix, int nodeCount) {
        if (nodeCount < 1 || nodeCount > 20) throw new IllegalArgumentException("1..20 nodes, got " + nodeCount);
        TestCluster c = new TestCluster(Topology.create(prefix));
        try {
            c.build(prefix, nodeCount);
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private void build(String prefix, int nodeCount) {
        topology.bridge(underlay, BRIDGE);
        for (int i = 1; i <= nodeCount; i++) {
            NetNamespace ns = topology.namespace("n" + i);
            Inet4Address v4 = (Inet4Address) InetAddress.ofLiteral("10.100.0." + (10 + i));
            Inet6Address v6 = (Inet6Address) InetAddress.ofLiteral("fd00:100::" + (10 + i));
            topology.veth(underlay, "n" + i, null, ns, "eth0", v4.getHostAddress() + "/24");
            ns.ip("-6", "addr", "add", v6.getHostAddress() + "/64", "dev", "eth0", "nodad");
            topology.addPort(underlay, BRIDGE, "n" + i);
            ns.ip("addr", "add", "169.254.1.1/32", "dev", "lo");
            ns.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
            ns.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
            nodes.add(new Node(i, "node-" + i, ns, v4, v6, TestCgroup.create(prefix + "-n" + i)));
        }
        for (Node n : nodes) {
            for (Node other : nodes) {
                if (other == n) continue;
                n.ns().ip("route", "add", other.podCidr4(), "via", other.ipv4().getHostAddress(), "dev", "eth0");
                n.ns().ip("-6", "route", "add", other.podCidr6(), "via", other.ipv6().getHostAddress(), "dev", "eth0");
            }
        }
        topology.veth(underlay, "ext", null, external, "eth0", EXTERNAL_IPV4.getHostAddress() + "/24");
        external.ip("-6", "addr", "add", EXTERNAL_IPV6.getHostAddress() + "/64", "dev", "eth0", "nodad");
        topology.addPort(underlay, BRIDGE, "ext");
    }

    /** The nodes, 1..N in order. */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** Node {@code index} (1-based). */
    public Node node(int index) {
        if (index < 1 || index > nodes.size()) throw new IllegalArgumentException("nodes are 1.." + nodes.size() + ", got " + index);
        return nodes.get(index - 1);
    }

    /** The pods added so far. */
    public List<Pod> pods() {
        return List.copyOf(pods);
    }

    /** The external client's namespace: on the underlay, with routes to the underlay subnet only. */
    public NetNamespace external() {
        return external;
    }

    /** The underlay's namespace (the bridge {@code br0} and one port per node). */
    public NetNamespace underlay() {
        return underlay;
    }

    /** A new pod on {@code node}, wired, with both addresses from the node's pod CIDRs. */
    public synchronized Pod addPod(Node node, String name) {
        return addPod(node, name, null);
    }

    /**
     * A new pod on {@code node} with an IPv4 address outside the node's pod CIDR (from a cluster-wide pool, say, in
     * 10.0.0.0/8): every other node gets a /32 route to it through {@code node}. Null: from the pod CIDR.
     */
    public synchronized Pod addPod(Node node, String name, Inet4Address address) {
        if (pods.stream().anyMatch(p -> p.name().equals(name))) throw new IllegalArgumentException("pod " + name + " exists");
        int k = (int) pods.stream().filter(p -> p.node().equals(node)).count() + 1;
        if (k > 250) throw new IllegalStateException("node " + node.name() + " is full (250 pods)");
        if (address != null && !address.getHostAddress().startsWith("10.")) {
            throw new IllegalArgumentException("pod addresses must be in 10.0.0.0/8 (the pods' route), got " + address);
        }
        Inet4Address v4 = address != null ? address : (Inet4Address) InetAddress.ofLiteral("10.244." + node.index() + "." + (k + 1));
        Inet6Address v6 = (Inet6Address) InetAddress.ofLiteral("fd00:244:" + node.index() + "::" + Integer.toHexString(k + 1));
        NetNamespace ns = topology.namespace("p-" + name);
        String lxc = "lxc" + k;
        topology.veth(node.ns(), lxc, "fe80::1/64", ns, "eth0", v4.getHostAddress() + "/32");
        ns.ip("-6", "addr", "add", v6.getHostAddress() + "/128", "dev", "eth0", "nodad");
        ns.ip("route", "add", "169.254.1.1", "dev", "eth0", "scope", "link");
        ns.ip("route", "add", "10.0.0.0/8", "via", "169.254.1.1", "dev", "eth0");
        ns.ip("-6", "route", "add", "fd00::/8", "via", "fe80::1", "dev", "eth0");
        node.ns().ip("route", "add", v4.getHostAddress() + "/32", "dev", lxc);
        node.ns().ip("-6", "route", "add", v6.getHostAddress() + "/128", "dev", lxc);
        if (address != null) {
            for (Node other : nodes) {
                if (other != node) other.ns().ip("route", "add", v4.getHostAddress() + "/32", "via", node.ipv4().getHostAddress(), "dev", "eth0");
            }
        }
        Pod pod = new Pod(name, node, ns, v4, v6, lxc);
        pods.add(pod);
        return pod;
    }

    /**
     * Runs {@code task} as a process of {@code pod} would: on a thread in the pod's namespace, with this JVM in the
     * pod's node's cgroup while it runs (sockets keep the cgroup they were made in). Calls are serialized: the JVM
     * is in one cgroup at a time.
     */
    public synchronized <T> T inPod(Pod pod, Callable<T> task) throws Exception {
        return pod.node().cgroup().runInside(() -> pod.ns().call(task));
    }

    /**
     * Serves {@code 10.100.0.250:port} on the underlay (from a namespace of its own) and relays each connection to
     * {@code 127.0.0.1:loopbackPort} of this JVM's namespace: how agents in node namespaces reach a server the test
     * runs on loopback, such as a mock Kubernetes API. Traffic leaves no namespace the cluster made but to this JVM's
     * loopback.
     *
     * @return the relay's address on the underlay
     */
    public synchronized InetSocketAddress relayToLoopback(int loopbackPort) {
        NetNamespace relay = topology.namespace("relay");
        if (relays.isEmpty()) {
            topology.veth(underlay, "relay", null, relay, "eth0", RELAY_IPV4.getHostAddress() + "/24");
            topology.addPort(underlay, BRIDGE, "relay");
        }
        ServerSocket server = relay.call(() -> new ServerSocket(loopbackPort, 64, RELAY_IPV4));
        relays.add(server);
        Thread.ofPlatform().daemon().name("relay-" + loopbackPort).start(() -> acceptLoop(server, loopbackPort));
        return new InetSocketAddress(RELAY_IPV4, loopbackPort);
    }

    private static void acceptLoop(ServerSocket server, int port) {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                // Made on this thread, which never entered a namespace: the connection goes to this JVM's loopback.
                Socket out = new Socket(InetAddress.getLoopbackAddress(), port);
                Thread.ofPlatform().daemon().start(() -> pipe(in, out));
                Thread.ofPlatform().daemon().start(() -> pipe(out, in));
            } catch (IOException e) {
                if (server.isClosed()) return;
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // either side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** {@link Topology#verifyIsolated()} over every namespace, plus: the external client has no route to pods. */
    public void verifyIsolated() {
        topology.verifyIsolated();
        for (Node n : nodes) {
            Shell.Result r = external.exec("ip", "route", "get", n.podCidr4().replace(".0/24", ".2"));
            if (r.exitCode() == 0) throw new IllegalStateException("the external client has a route to pod addresses: " + r.output());
        }
    }

    /** Every namespace made so far, by role (for leak checks and debugging). */
    public java.util.Map<String, NetNamespace> namespaces() {
        return topology.namespaces();
    }

    /** Closes the relays, removes every namespace and the nodes' cgroups (continuing past failures). */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (ServerSocket s : relays) {
            try {
                s.close();
            } catch (IOException e) {
                failures.add(new UncheckedIOException(e));
            }
        }
        try {
            topology.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        for (Node n : nodes) {
            try {
                n.cgroup().close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("cluster cleanup failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }
}
