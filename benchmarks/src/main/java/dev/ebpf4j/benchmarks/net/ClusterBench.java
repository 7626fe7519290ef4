package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LoadBalancer;
import dev.ebpf4j.k8s.lb.NodePortMode;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.model.ServiceType;
import dev.ebpf4j.k8s.model.SessionAffinity;
import dev.ebpf4j.k8s.model.TargetPort;
import dev.ebpf4j.k8s.model.TrafficPolicy;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCluster;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cluster benchmark (issue 13): on a three-node {@link TestCluster}, a pod on node-1 calls a Service whose only
 * backend is a C HTTP server in a pod on node-2, through its ClusterIP (the socket LB) and directly by pod IP; the
 * external client calls the Service's NodePort on node-1, with ebpf4j's NodePort programs in SNAT and in DSR mode,
 * and with kube-proxy-shaped iptables-legacy rules on node-1 instead. Variants alternate within each round so that
 * drift hits them alike; the results are medians over rounds. Run by {@code benchmarks/run-cluster-bench.sh}.
 */
public final class ClusterBench {
    static final int CONNS = Integer.getInteger("conns", 5000), ROUNDS = Integer.getInteger("rounds", 5);
    static final String CLUSTER_IP = "10.96.0.10";
    static final int NODE_PORT = 30080, BACKEND_PORT = 8080;
    static final ServiceName SERVICE = new ServiceName("bench", "web");

    final BenchSupport out = new BenchSupport("cluster");
    private final Map<String, List<double[]>> samples = new LinkedHashMap<>();
    private TestCluster cluster;
    private TestCluster.Pod backend;

    public static void main(String[] args) throws Exception {
        new ClusterBench().run(Path.of(args.length > 0 ? args[0] : "benchmarks/results/cluster.csv"));
    }

    void run(Path file) throws Exception {
        out.comment("topology: testkit TestCluster, 3 node namespaces on one underlay bridge, routed pod CIDRs; client pod on "
                + "node-1, the Service's one backend (benchmarks/c/http_server) in a pod on node-2, the external client on the underlay");
        out.comment("datapath: built in-process from TestCluster + the public LoadBalancer API, one LoadBalancer per node "
                + "(LbObject.configure, the programs and maps the agent loads; no agent JVM, no API server): socket LB on each "
                + "node's cgroup, NodePort tcx programs on each node's eth0, one ClusterSnapshot synced into every node");
        out.comment("iptables-legacy variant: every node's LoadBalancer closed (NodePort and socket programs detached); node-1 "
                + "nat PREROUTING -> KUBE-SERVICES -> KUBE-NODEPORTS -> KUBE-EXT -> KUBE-MARK-MASQ + KUBE-SVC -> KUBE-SEP "
                + "DNAT to the remote pod, POSTROUTING -> KUBE-POSTROUTING MASQUERADE of marked packets, as kube-proxy writes them");
        out.comment("node-1's iptables-legacy nat table is instantiated before the first round, so netfilter conntrack runs "
                + "on node-1 in every variant (as on a node that ever had kube-proxy or any NAT rule); only the rules differ");
        out.comment(CONNS + " sequential connect+GET+close per variant per round, " + ROUNDS + " rounds, variants alternating "
                + "in each round (order rotated per round), medians of the per-round values");
        out.comment("nodeport-*: the backend pod with the kernel's default TIME_WAIT (it closes first, so TIME_WAIT sits on its "
                + "side); nodeport-*-no-timewait: the same with net.ipv4.tcp_max_tw_buckets=0 in the backend pod, the datapath's "
                + "cost alone. With SNAT (ebpf4j or MASQUERADE) every connection reaches the backend from node-1's one address, so "
                + "new SYNs meet its TIME_WAIT sockets and some wait for a 1 s retransmit (syn_retransmits rows); DSR keeps the "
                + "client's address and does not");
        List<Process> servers = new ArrayList<>();
        try (TestCluster c = TestCluster.create("e4jcb", 3)) {
            cluster = c;
            TestCluster.Node node1 = c.node(1), node2 = c.node(2);
            TestCluster.Pod client = c.addPod(node1, "client");
            backend = c.addPod(node2, "web");
            c.verifyIsolated();
            servers.add(BenchSupport.startReady(List.of("nsenter", "--net=" + backend.ns().path(),
                    BenchSupport.tool("http_server"), backend.ipv4().getHostAddress(), Integer.toString(BACKEND_PORT))));
            legacy(node1.ns(), "-t", "nat", "-L", "-n");

            String nodePortAddress = node1.ipv4().getHostAddress();
            // Part 1: ClusterIP vs direct pod IP, pod on node-1 to backend on node-2; the socket LB stays attached for both.
            try (Datapath dp = Datapath.load(c, NodePortMode.SNAT, snapshot())) {
                Path cg = node1.cgroup().path();
                connect(client.ns(), "warmup", backend.ipv4().getHostAddress(), BACKEND_PORT, cg, 500);
                for (int r = 0; r < ROUNDS; r++) {
                    boolean directFirst = r % 2 == 0;
                    for (int k = 0; k < 2; k++) {
                        if ((k == 0) == directFirst) {
                            record("pod-to-pod-direct", connect(client.ns(), "", backend.ipv4().getHostAddress(), BACKEND_PORT, cg, CONNS));
                        } else {
                            record("pod-to-clusterip", connect(client.ns(), "", CLUSTER_IP, 80, cg, CONNS));
                        }
                    }
                }
            }
            // Part 2: NodePort on node-1 from the external client, backend on node-2: with the backend keeping no
            // TIME_WAIT sockets (which takes SNAT's port reuse against them out of the picture), then as the kernel has it.
            // TIME_WAIT sockets made before the switch would linger for a minute, so the scenario without them goes first.
            String twBuckets = backend.ns().exec("sysctl", "-n", "net.ipv4.tcp_max_tw_buckets").output().trim();
            backend.ns().exec("sysctl", "-qw", "net.ipv4.tcp_max_tw_buckets=0");
            nodePorts("-no-timewait", nodePortAddress);
            backend.ns().exec("sysctl", "-qw", "net.ipv4.tcp_max_tw_buckets=" + twBuckets);
            nodePorts("", nodePortAddress);
            summarize();
            ratios();
        } finally {
            BenchSupport.stop(servers);
        }
        out.write(file);
    }

    private void nodePorts(String suffix, String nodePortAddress) throws Exception {
        List<String> variants = List.of("nodeport-ebpf-snat", "nodeport-ebpf-dsr", "nodeport-iptables-legacy");
        for (String v : variants) warm(v, nodePortAddress);
        for (int r = 0; r < ROUNDS; r++) {
            for (int k = 0; k < variants.size(); k++) {
                String v = variants.get((r + k) % variants.size());
                record(v + suffix, nodePort(v, nodePortAddress, CONNS));
            }
        }
    }

    private void warm(String variant, String address) throws Exception {
        nodePort(variant, address, 300);
    }

    private double[] nodePort(String variant, String address, int conns) throws Exception {
        NetNamespace node1 = cluster.node(1).ns();
        if (variant.equals("nodeport-iptables-legacy")) {
            restore(node1, kubeProxyRules());
            try {
                return connect(cluster.external(), variant, address, NODE_PORT, null, conns);
            } finally {
                restore(node1, "*nat\nCOMMIT\n");
            }
        }
        NodePortMode mode = variant.endsWith("dsr") ? NodePortMode.DSR : NodePortMode.SNAT;
        try (Datapath dp = Datapath.load(cluster, mode, snapshot())) {
            return connect(cluster.external(), variant, address, NODE_PORT, null, conns);
        }
    }

    /** One LoadBalancer per node, as each node's agent would run it: socket LB on its cgroup, NodePort on its eth0. */
    record Datapath(List<LoadBalancer> lbs) implements AutoCloseable {
        static Datapath load(TestCluster c, NodePortMode mode, ClusterSnapshot snapshot) {
            List<LoadBalancer> lbs = new ArrayList<>();
            try {
                for (TestCluster.Node n : c.nodes()) {
                    LoadBalancer lb = LoadBalancer.load(LbConfig.forNode(n.name()).withNodePortMode(mode, n.ipv4()));
                    lbs.add(lb);
                    lb.attachCgroup(n.cgroup().path());
                    n.ns().run(() -> lb.attachNodePort("eth0"));
                    lb.controller().sync(snapshot);
                }
                return new Datapath(lbs);
            } catch (RuntimeException e) {
                lbs.forEach(LoadBalancer::close);
                throw e;
            }
        }

        @Override
        public void close() {
            lbs.forEach(LoadBalancer::close);
        }
    }

    /** Service bench/web: ClusterIP 10.96.0.10:80 and NodePort 30080, to the backend pod's 8080. */
    ClusterSnapshot snapshot() {
        Service svc = new Service(SERVICE, ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral(CLUSTER_IP)),
                List.of(new ServicePort("http", Protocol.TCP, 80, new TargetPort.Number(BACKEND_PORT), NODE_PORT)),
                List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
        EndpointSlice slice = new EndpointSlice(SERVICE.namespace(), "web-s1", SERVICE, AddressType.IPV4,
                List.of(Endpoint.ready(backend.ipv4(), backend.node().name())),
                List.of(new EndpointPort("http", Protocol.TCP, BACKEND_PORT)));
        return ClusterSnapshot.of(List.of(svc), List.of(slice), 1);
    }

    /** kube-proxy's iptables-legacy shape for one NodePort Service with one endpoint on another node. */
    String kubeProxyRules() {
        String ep = backend.ipv4().getHostAddress();
        String svc = "KUBE-SVC-BENCHWEB0000000", ext = "KUBE-EXT-BENCHWEB0000000", sep = "KUBE-SEP-BENCHWEB0000001";
        return "*nat\n"
                + ":KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n"
                + ":" + svc + " - [0:0]\n:" + ext + " - [0:0]\n:" + sep + " - [0:0]\n"
                + "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
                + "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
                + "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n"
                + "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n"
                + "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n"
                + "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n"
                + "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n"
                + "-A KUBE-SERVICES -d " + CLUSTER_IP + "/32 -p tcp -m comment --comment \"bench/web:http cluster IP\" -m tcp --dport 80 -j " + svc + "\n"
                + "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"
                + "-A KUBE-NODEPORTS -p tcp -m comment --comment \"bench/web:http\" -m tcp --dport " + NODE_PORT + " -j " + ext + "\n"
                + "-A " + ext + " -m comment --comment \"masquerade traffic for bench/web:http external destinations\" -j KUBE-MARK-MASQ\n"
                + "-A " + ext + " -j " + svc + "\n"
                + "-A " + svc + " ! -s 10.244.0.0/16 -d " + CLUSTER_IP + "/32 -p tcp -m tcp --dport 80 -j KUBE-MARK-MASQ\n"
                + "-A " + svc + " -m comment --comment \"bench/web:http -> " + ep + ":" + BACKEND_PORT + "\" -j " + sep + "\n"
                + "-A " + sep + " -s " + ep + "/32 -j KUBE-MARK-MASQ\n"
                + "-A " + sep + " -p tcp -m tcp -j DNAT --to-destination " + ep + ":" + BACKEND_PORT + "\n"
                + "COMMIT\n";
    }

    static void restore(NetNamespace ns, String rules) throws Exception {
        Path f = Files.createTempFile("e4jcb-rules", ".txt");
        try {
            Files.writeString(f, rules);
            Process p = new ProcessBuilder("nsenter", "--net=" + ns.path(), "iptables-legacy-restore")
                    .redirectInput(f.toFile()).redirectErrorStream(true).start();
            String msg = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException("iptables-legacy-restore failed: " + msg);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    static void legacy(NetNamespace ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.path(), "iptables-legacy"));
        cmd.addAll(List.of(args));
        BenchSupport.run(cmd);
    }

    /**
     * One http_client run: {p50 us, p99 us, conn/s, SYN retransmits of the calling namespace during the run}; fails on
     * any failed connection. A retransmitted SYN costs its connection a second (the initial RTO), which is what turns
     * a fraction of a percent of stalls into a collapse of conn/s while p50 stays put.
     */
    static double[] connect(NetNamespace from, String variant, String ip, int port, Path cgroup, int conns) {
        long syn0 = synRetransmits(from);
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + from.path(), BenchSupport.tool("http_client"),
                ip, Integer.toString(port), Integer.toString(conns)));
        if (cgroup != null) cmd.add(cgroup.toString());
        String[] f = BenchSupport.run(cmd).trim().split(" ");
        if (Integer.parseInt(f[3]) != 0) throw new IllegalStateException(variant + " " + ip + ":" + port + ": " + f[3] + " failed connections");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), synRetransmits(from) - syn0};
    }

    /** TcpExt TCPSynRetrans of a namespace (from /proc/net/netstat as seen inside it). */
    static long synRetransmits(NetNamespace ns) {
        String[] lines = BenchSupport.run(List.of("nsenter", "--net=" + ns.path(), "cat", "/proc/net/netstat")).split("\n");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            if (!lines[i].startsWith("TcpExt:")) continue;
            String[] names = lines[i].split(" "), values = lines[i + 1].split(" ");
            for (int k = 0; k < names.length; k++) if (names[k].equals("TCPSynRetrans")) return Long.parseLong(values[k]);
        }
        throw new IllegalStateException("no TcpExt TCPSynRetrans in /proc/net/netstat of " + ns);
    }

    private void record(String variant, double[] m) {
        samples.computeIfAbsent(variant, k -> new ArrayList<>()).add(m);
        System.out.printf("  %-28s p50 %8.1f us   p99 %8.1f us   %9.0f conn/s   %4.0f SYN retransmits%n", variant, m[0], m[1], m[2], m[3]);
    }

    private final Map<String, double[]> medians = new LinkedHashMap<>();

    private void summarize() {
        System.out.println("== medians over " + ROUNDS + " rounds");
        samples.forEach((v, list) -> {
            double[] m = new double[4];
            for (int i = 0; i < 4; i++) {
                final int j = i;
                m[i] = BenchSupport.median(list.stream().mapToDouble(s -> s[j]).toArray());
            }
            medians.put(v, m);
            out.row(v, "connect_p50", m[0], "us");
            out.row(v, "connect_p99", m[1], "us");
            out.row(v, "connections_per_s", m[2], "conn/s");
            out.row(v, "syn_retransmits", m[3], "per " + CONNS + " conns");
            System.out.printf("%-30s p50 %8.1f us   p99 %8.1f us   %9.0f conn/s   %4.0f SYN retransmits%n", v, m[0], m[1], m[2], m[3]);
        });
    }

    private void ratios() {
        double[] direct = medians.get("pod-to-pod-direct"), vip = medians.get("pod-to-clusterip");
        double r = vip[0] / direct[0];
        out.ratio("clusterip_vs_direct_p50_cross_node", r, "<= 1.10", r <= 1.10);
        out.ratio("clusterip_vs_direct_p99_cross_node", vip[1] / direct[1], "(info)", true);
        out.ratio("clusterip_vs_direct_conn_per_s_cross_node", vip[2] / direct[2], "(info)", true);
        for (String suffix : List.of("", "-no-timewait")) {
            double[] ipt = medians.get("nodeport-iptables-legacy" + suffix);
            for (String mode : List.of("snat", "dsr")) {
                double[] m = medians.get("nodeport-ebpf-" + mode + suffix);
                String name = "nodeport_" + mode + "_vs_iptables_legacy" + suffix.replace('-', '_');
                out.ratio(name + "_conn_per_s", m[2] / ipt[2], "(info)", true);
                out.ratio(name + "_p50", m[0] / ipt[0], "(info)", true);
                out.ratio(name + "_p99", m[1] / ipt[1], "(info)", true);
            }
        }
        double[] snat = medians.get("nodeport-ebpf-snat"), dsr = medians.get("nodeport-ebpf-dsr");
        out.ratio("nodeport_dsr_vs_snat_p50", dsr[0] / snat[0], "(info)", true);
    }
}
