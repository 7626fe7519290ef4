package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.lb.LoadBalancer;
import dev.ebpf4j.k8s.lb.NodePortAcceleration;
import dev.ebpf4j.k8s.lb.NodePortXdp;
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
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.XdpMode;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NodePort benchmark (issue 14 item 4): an external namespace sends a UDP flood (forwarded packets/s) and a sequential
 * TCP connect + GET + close loop (new connections/s) to the node namespace's address on a NodePort whose one backend
 * is a pod namespace behind the node; through the tcx NodePort programs, through them with XDP acceleration (native
 * XDP on the veth), and through kube-proxy-shaped iptables-legacy and iptables-nft rules, with 10, 1,000 and 10,000
 * Services installed. The BPF programs' own cost per packet is measured with BPF_PROG_TEST_RUN, to tell it from the
 * veth and stack cost around it. Run by {@code benchmarks/run-nodeport-bench.sh}.
 */
public final class NodePortBench {
    static final int CONNS = Integer.getInteger("conns", 3000), ROUNDS = Integer.getInteger("rounds", 3);
    static final double SECONDS = Double.parseDouble(System.getProperty("seconds", "3"));
    static final int[] SCALES = scales();
    static final String NODE_IP = "10.20.1.1", BACKEND_IP = "10.20.10.2";
    static final int NODE_PORT_TCP = 30080, NODE_PORT_UDP = 30053, HTTP_PORT = 8080, UDP_PORT = 5353;

    final BenchSupport out = new BenchSupport("nodeport");
    private NetNamespace node, iptNode;
    final Map<String, Double> programNs = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        new NodePortBench().run(Path.of(args.length > 0 ? args[0] : "benchmarks/results/nodeport.csv"));
    }

    private static int[] scales() {
        String s = System.getProperty("scales", "10,1000,10000");
        return java.util.Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** One way of serving the NodePort: {@link #on()} attaches or installs it, the result undoes that. */
    interface Setup {
        AutoCloseable on() throws Exception;
    }

    /** A measured variant: the client and backend namespaces it runs between, its destination and its setup. */
    record Variant(String name, NetNamespace client, NetNamespace backend, String ip, int udpPort, int tcpPort, Setup setup,
                   Check check) {
    }

    /** What the DNAT counters must show after a round (the acceleration must be what carried the traffic). */
    enum Check { NONE, TCX, XDP }

    void run(Path file) throws Exception {
        out.comment("datapath: bpf-src lb_datapath.bpf.c lb_nodeport_ingress/lb_nodeport_reply at tcx on the node's external veth, "
                + "with acceleration lb_nodeport_xdp at XDP (native unless named generic) on the same veth; one LoadBalancer per "
                + "scale (LbController full sync), its links attached for each measurement and detached after");
        out.comment("topology: client ns --veth-- node ns --veth-- backend ns, twice (the iptables variants in their own copy: once "
                + "loaded, netfilter conntrack stays in a namespace); NodePort " + NODE_IP + ":" + NODE_PORT_UDP + "/udp and :"
                + NODE_PORT_TCP + "/tcp, one local backend; the other Services are ClusterIPs (kube-proxy walks their rules first)");
        out.comment("each round measures every variant once, in order (UDP: one sender socket, 18-byte datagrams, " + SECONDS
                + " s, packets/s received at the backend; TCP: " + CONNS + " sequential connect+GET+close); " + ROUNDS
                + " rounds; values are medians over rounds, ratios medians of the per-round ratios");
        out.comment("backend ns: net.ipv4.tcp_max_tw_buckets=0 (no TIME_WAIT collisions between variants); syn_retransmits rows "
                + "count the client's SYN retransmits");
        out.comment("iptables: nat PREROUTING -> KUBE-SERVICES (one rule per ClusterIP) -> KUBE-NODEPORTS -> KUBE-EXT -> KUBE-SVL -> "
                + "KUBE-SEP DNAT, externalTrafficPolicy Local (no masquerade: the eBPF path keeps the client address too)");
        List<Process> servers = new ArrayList<>();
        Map<Integer, LoadBalancer> lbs = new LinkedHashMap<>();
        try (Topology t = Topology.create("e4jnpb");
             BpfObject noop = loadNoop()) {
            NetNamespace[] ebpf = path(t, "", servers), ipt = path(t, "i", servers);
            node = ebpf[1];
            iptNode = ipt[1];
            t.verifyIsolated();
            int top = SCALES[SCALES.length - 1];
            for (int services : SCALES) {
                LoadBalancer lb = LoadBalancer.load(LbConfig.forNode("bench-node").withNodePortAcceleration(NodePortAcceleration.XDP_NATIVE));
                lbs.put(services, lb);
                counted.add(lb);
                lb.controller().sync(snapshot(services));
            }
            List<Variant> variants = new ArrayList<>();
            variants.add(new Variant("direct", ebpf[0], ebpf[2], BACKEND_IP, UDP_PORT, HTTP_PORT, () -> () -> { }, Check.NONE));
            for (int services : SCALES) {
                LoadBalancer lb = lbs.get(services);
                variants.add(nodePort("ebpf-tcx-" + services, ebpf, () -> attach(lb, null), Check.TCX));
                variants.add(nodePort("ebpf-xdp-" + services, ebpf, () -> attach(lb, NodePortAcceleration.XDP_NATIVE), Check.XDP));
            }
            LoadBalancer topLb = lbs.get(top);
            variants.add(nodePort("ebpf-xdp-generic-" + top, ebpf, () -> attach(topLb, NodePortAcceleration.XDP_GENERIC), Check.XDP));
            // The price of native XDP on a veth by itself: a program that only counts, in front of tcx.
            variants.add(nodePort("ebpf-tcx-" + top + "-behind-noop-xdp", ebpf, () -> {
                AutoCloseable tcx = attach(topLb, null);
                Link x = node.call(() -> XdpProgram.of(noop.program("xdp_count")).attach("n0", XdpMode.NATIVE));
                return () -> {
                    x.close();
                    tcx.close();
                };
            }, Check.TCX));
            variants.add(new Variant("direct-iptables-ns", ipt[0], ipt[2], BACKEND_IP, UDP_PORT, HTTP_PORT, () -> {
                restore("legacy", "*nat\nCOMMIT\n");
                restore("nft", "*nat\nCOMMIT\n");
                return () -> { };
            }, Check.NONE));
            for (String flavour : List.of("legacy", "nft")) {
                String other = flavour.equals("legacy") ? "nft" : "legacy";
                for (int services : SCALES) {
                    String rules = rules(services);
                    variants.add(nodePort("iptables-" + flavour + "-" + services, ipt, () -> {
                        restore(other, "*nat\nCOMMIT\n");
                        restore(flavour, rules);
                        return () -> { };
                    }, Check.NONE));
                }
            }
            connect(ebpf[0], "warmup", BACKEND_IP, HTTP_PORT, 500);
            connect(ipt[0], "warmup", BACKEND_IP, HTTP_PORT, 500);
            for (int round = 0; round < ROUNDS; round++) {
                System.out.println("== round " + (round + 1) + " of " + ROUNDS);
                for (Variant v : variants) measure(v);
            }
            report(variants);
            programCost("tcx");
            programCost("xdp");
            ratios();
        } finally {
            for (LoadBalancer lb : lbs.values()) lb.close();
            BenchSupport.stop(servers);
        }
        out.write(file);
    }

    private static BpfObject loadNoop() {
        try (var spec = BpfObjects.open(BpfObjects.XDP_COUNTER)) {
            return spec.load();
        }
    }

    /** client, node and backend namespaces (roles prefixed), the backend's servers started. */
    private NetNamespace[] path(Topology t, String prefix, List<Process> servers) throws Exception {
        NetNamespace c = t.namespace(prefix + "cl"), n = t.namespace(prefix + "node"), b = t.namespace(prefix + "b0");
        t.veth(c, "c0", "10.20.1.2/24", n, "n0", NODE_IP + "/24");
        t.veth(n, "n1", "10.20.10.1/24", b, "p0", BACKEND_IP + "/24");
        b.ip("route", "add", "10.20.0.0/16", "via", "10.20.10.1");
        c.ip("route", "add", "10.20.0.0/16", "via", NODE_IP);
        n.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
        // The backend closes first and keeps TIME_WAIT; the client reaches the same backend 4-tuples through other
        // destinations (pod IP, NodePort), so its new SYNs would meet TIME_WAIT sockets of an earlier variant and
        // wait for 1 s retransmits: that would measure the variants' order, not the datapath.
        b.exec("sysctl", "-qw", "net.ipv4.tcp_max_tw_buckets=0");
        servers.add(BenchSupport.startReady(List.of("nsenter", "--net=" + b.path(), BenchSupport.tool("http_server"),
                BACKEND_IP, Integer.toString(HTTP_PORT))));
        return new NetNamespace[] {c, n, b};
    }

    private static Variant nodePort(String name, NetNamespace[] path, Setup setup, Check check) {
        return new Variant(name, path[0], path[2], NODE_IP, NODE_PORT_UDP, NODE_PORT_TCP, setup, check);
    }

    /** The tcx programs of lb on the node's n0, and its XDP program in front with an acceleration. */
    private AutoCloseable attach(LoadBalancer lb, NodePortAcceleration acceleration) {
        List<Link> links = node.call(() -> {
            List<Link> l = new ArrayList<>();
            l.add(TcProgram.of(lb.object().program(LbObject.NODE_PORT_INGRESS)).attach("n0", TcDirection.INGRESS));
            l.add(TcProgram.of(lb.object().program(LbObject.NODE_PORT_REPLY)).attach("n0", TcDirection.EGRESS));
            if (acceleration != null) l.add(NodePortXdp.attach(lb.object(), "n0", acceleration));
            return l;
        });
        return () -> {
            for (Link l : links.reversed()) l.close();
        };
    }

    private final Map<String, List<double[]>> samples = new LinkedHashMap<>();
    private final List<LoadBalancer> counted = new ArrayList<>();

    /** One round of v: {packets/s, conn/s, connect p50, connect p99, SYN retransmits}. */
    void measure(Variant v) throws Exception {
        try (AutoCloseable on = v.setup().on()) {
            long[] c0 = dnatCounts();
            double pps = flood(v);
            double[] tcp = connect(v.client(), v.name(), v.ip(), v.tcpPort(), CONNS);
            long[] c1 = dnatCounts();
            long tcx = c1[0] - c0[0], xdp = c1[1] - c0[1];
            boolean ok = switch (v.check()) {
                case NONE -> tcx == 0 && xdp == 0;
                case TCX -> tcx > 0 && xdp == 0;
                case XDP -> xdp > 0 && tcx == 0;
            };
            if (!ok) throw new IllegalStateException(v.name() + ": DNAT at tcx " + tcx + ", at XDP " + xdp + " (expected " + v.check() + ")");
            samples.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(new double[] {pps, tcp[2], tcp[0], tcp[1], tcp[3]});
            System.out.printf("%-34s %,10.0f packets/s %9.0f conn/s   p50 %7.1f us   p99 %9.1f us   %.0f SYN retransmits%n",
                    v.name(), pps, tcp[2], tcp[0], tcp[1], tcp[3]);
        }
    }

    /** DNAT packets at tcx and at XDP, summed over every loaded LoadBalancer and CPU. */
    private long[] dnatCounts() {
        long tcx = 0, xdp = 0;
        for (LoadBalancer lb : counted) {
            try (PerCpuArrayMap<Long> stats = PerCpuArrayMap.of(lb.object().map(LbObject.NODE_PORT_STATS_MAP), Codec.u64())) {
                tcx += sum(stats, 0);
                xdp += sum(stats, 1);
            }
        }
        return new long[] {tcx, xdp};
    }

    private static long sum(PerCpuArrayMap<Long> stats, int slot) {
        return stats.get(slot).orElseThrow().stream().mapToLong(Long::longValue).sum();
    }

    double flood(Variant v) throws Exception {
        String tool = BenchSupport.tool("udp_flood"), secs = Double.toString(SECONDS);
        Process recv = BenchSupport.startReady(List.of("nsenter", "--net=" + v.backend().path(), tool, "recv",
                Integer.toString(UDP_PORT), secs));
        try {
            BenchSupport.run(List.of("nsenter", "--net=" + v.client().path(), tool, "send", v.ip(), Integer.toString(v.udpPort()),
                    Double.toString(SECONDS + 0.5)));
            double r = Double.parseDouble(new String(recv.getInputStream().readAllBytes()).trim());
            recv.waitFor();
            if (r <= 0) throw new IllegalStateException(v.name() + ": no packets arrived");
            return r;
        } finally {
            BenchSupport.stop(List.of(recv));
        }
    }

    /** {p50 us, p99 us, conn/s, SYN retransmits} of conns sequential connections from client. */
    double[] connect(NetNamespace client, String variant, String ip, int port, int conns) {
        long syn0 = ClusterBench.synRetransmits(client);
        String[] f = BenchSupport.run(List.of("nsenter", "--net=" + client.path(), BenchSupport.tool("http_client"),
                ip, Integer.toString(port), Integer.toString(conns))).trim().split(" ");
        if (Integer.parseInt(f[3]) != 0) throw new IllegalStateException(variant + ": " + f[3] + " failed connections");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                ClusterBench.synRetransmits(client) - syn0};
    }

    /** Median per variant over the rounds. */
    void report(List<Variant> variants) {
        for (Variant v : variants) {
            List<double[]> s = samples.get(v.name());
            double pps = median(s, 0), cps = median(s, 1), p50v = median(s, 2), p99 = median(s, 3);
            double syn = s.stream().mapToDouble(x -> x[4]).sum();
            out.row(v.name(), "packets_per_s", pps, "packets/s");
            out.row(v.name(), "ns_per_packet", 1e9 / pps, "ns");
            out.row(v.name(), "connections_per_s", cps, "conn/s");
            out.row(v.name(), "connect_p50", p50v, "us");
            out.row(v.name(), "connect_p99", p99, "us");
            out.row(v.name(), "syn_retransmits", syn, "per " + ROUNDS * CONNS + " conns");
        }
    }

    private static double median(List<double[]> s, int k) {
        return BenchSupport.median(s.stream().mapToDouble(x -> x[k]).toArray());
    }

    /** Median over rounds of a's metric k divided by b's. */
    private double ratio(String a, String b, int k) {
        List<double[]> x = samples.get(a), y = samples.get(b);
        double[] r = new double[x.size()];
        for (int i = 0; i < r.length; i++) r[i] = x.get(i)[k] / y.get(i)[k];
        return BenchSupport.median(r);
    }

    /**
     * The programs' own time per packet of an established flow, BPF_PROG_TEST_RUN with 200,000 repeats. A repeated run
     * sees the packet it rewrote, so the Service here has the frontend itself as its endpoint: every run does the whole
     * translation (conntrack hit, rewrite to the same address and port) on the same bytes.
     */
    void programCost(String mode) {
        String src = "10.20.1.77";
        ServiceName name = new ServiceName("bench", "self");
        ClusterSnapshot self = ClusterSnapshot.of(List.of(new Service(name, ServiceType.NODE_PORT,
                        List.of(InetAddress.ofLiteral(vip(0))),
                        List.of(new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(NODE_PORT_UDP), NODE_PORT_UDP)),
                        List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER)),
                List.of(new EndpointSlice("bench", "self-s1", name, AddressType.IPV4,
                        List.of(Endpoint.ready(InetAddress.ofLiteral(NODE_IP), "bench-node")),
                        List.of(new EndpointPort("dns", Protocol.UDP, NODE_PORT_UDP)))), 1);
        NodePortAcceleration a = mode.equals("xdp") ? NodePortAcceleration.XDP_NATIVE : NodePortAcceleration.NONE;
        try (LoadBalancer lb = LoadBalancer.load(LbConfig.forNode("bench-node").withNodePortAcceleration(a))) {
            lb.controller().sync(self);
            byte[] pkt = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(src, NODE_IP)
                    .udp(40000, NODE_PORT_UDP).payload(new byte[18]).build();
            String program = a.xdp() ? LbObject.NODE_PORT_XDP : LbObject.NODE_PORT_INGRESS;
            ProgramTester t = a.xdp() ? ProgramTester.of(XdpProgram.of(lb.object().program(program)))
                    : ProgramTester.of(TcProgram.of(lb.object().program(program)));
            t.run(pkt); // creates the flow
            double[] ns = new double[5];
            for (int i = 0; i < ns.length; i++) ns[i] = t.repeat(200_000).run(pkt).nanosPerRun();
            programNs.put(mode, BenchSupport.median(ns));
            out.row("program-" + program, "test_run_ns_per_packet", BenchSupport.median(ns), "ns");
            if (!a.xdp()) {
                byte[] miss = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(src, BACKEND_IP)
                        .udp(40000, UDP_PORT).payload(new byte[18]).build();
                for (int i = 0; i < ns.length; i++) ns[i] = t.repeat(200_000).run(miss).nanosPerRun();
                programNs.put("miss", BenchSupport.median(ns));
                out.row("program-" + program + "-not-a-frontend", "test_run_ns_per_packet", BenchSupport.median(ns), "ns");
            }
        }
    }

    static String intIp(int v) {
        return (v >>> 24) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }

    static String vip(int i) {
        return intIp(0x0a600000 + i);
    }

    static String unusedEndpoint(int i) {
        return intIp(0x0af40000 + i);
    }

    /** The measured NodePort Service (one backend) and services - 1 ClusterIP Services with an endpoint each. */
    static ClusterSnapshot snapshot(int services) {
        List<Service> svcs = new ArrayList<>(services);
        List<EndpointSlice> slices = new ArrayList<>(services);
        ServiceName np = new ServiceName("bench", "np");
        svcs.add(new Service(np, ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral(vip(0))),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(HTTP_PORT), NODE_PORT_TCP),
                        new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(UDP_PORT), NODE_PORT_UDP)),
                List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER));
        slices.add(new EndpointSlice("bench", "np-s1", np, AddressType.IPV4,
                List.of(Endpoint.ready(InetAddress.ofLiteral(BACKEND_IP), "bench-node")),
                List.of(new EndpointPort("http", Protocol.TCP, HTTP_PORT), new EndpointPort("dns", Protocol.UDP, UDP_PORT))));
        for (int i = 1; i < services; i++) {
            ServiceName name = new ServiceName("bench", "svc-" + i);
            svcs.add(Service.clusterIp(name, InetAddress.ofLiteral(vip(i)), List.of(ServicePort.of("http", Protocol.TCP, 80))));
            slices.add(new EndpointSlice("bench", name.name() + "-s1", name, AddressType.IPV4,
                    List.of(Endpoint.ready(InetAddress.ofLiteral(unusedEndpoint(i)), "bench-node")),
                    List.of(new EndpointPort("http", Protocol.TCP, HTTP_PORT))));
        }
        return ClusterSnapshot.of(svcs, slices, 1);
    }

    /**
     * kube-proxy's nat rules for the same Services: every ClusterIP's KUBE-SERVICES rule is walked before the
     * KUBE-NODEPORTS jump (its last rule, for local destinations); the NodePort Service with externalTrafficPolicy Local.
     */
    static String rules(int services) {
        StringBuilder chains = new StringBuilder("*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n");
        StringBuilder body = new StringBuilder("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n")
                .append("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n");
        for (int i = 1; i < services; i++) {
            String svc = String.format("KUBE-SVC-%016X", 0x5EC0000000L + i), sep = String.format("KUBE-SEP-%016X", 0x5E90000000L + i);
            chains.append(':').append(svc).append(" - [0:0]\n:").append(sep).append(" - [0:0]\n");
            body.append("-A KUBE-SERVICES -d ").append(vip(i)).append("/32 -p tcp -m comment --comment \"bench/svc-").append(i)
                    .append(":http cluster IP\" -m tcp --dport 80 -j ").append(svc).append('\n')
                    .append("-A ").append(svc).append(" -j ").append(sep).append('\n')
                    .append("-A ").append(sep).append(" -s ").append(unusedEndpoint(i)).append("/32 -j KUBE-MARK-MASQ\n")
                    .append("-A ").append(sep).append(" -p tcp -m tcp -j DNAT --to-destination ").append(unusedEndpoint(i))
                    .append(':').append(HTTP_PORT).append('\n');
        }
        body.append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\""
                + " -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
        for (String[] p : List.of(new String[] {"tcp", "http", Integer.toString(NODE_PORT_TCP), Integer.toString(HTTP_PORT), "T"},
                new String[] {"udp", "dns", Integer.toString(NODE_PORT_UDP), Integer.toString(UDP_PORT), "U"})) {
            String ext = "KUBE-EXT-NP" + p[4], svl = "KUBE-SVL-NP" + p[4], svc = "KUBE-SVC-NP" + p[4], sep = "KUBE-SEP-NP" + p[4];
            for (String c : List.of(ext, svl, svc, sep)) chains.append(':').append(c).append(" - [0:0]\n");
            body.append("-A KUBE-SERVICES -d ").append(vip(0)).append("/32 -p ").append(p[0]).append(" -m ").append(p[0])
                    .append(" --dport ").append(p[0].equals("tcp") ? 80 : 53).append(" -j ").append(svc).append('\n');
            body.append("-A KUBE-NODEPORTS -p ").append(p[0]).append(" -m comment --comment \"bench/np:").append(p[1])
                    .append("\" -m ").append(p[0]).append(" --dport ").append(p[2]).append(" -j ").append(ext).append('\n')
                    .append("-A ").append(ext).append(" -s 10.244.0.0/16 -j ").append(svc).append('\n')
                    .append("-A ").append(ext).append(" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n")
                    .append("-A ").append(ext).append(" -m addrtype --src-type LOCAL -j ").append(svc).append('\n')
                    .append("-A ").append(ext).append(" -j ").append(svl).append('\n')
                    .append("-A ").append(svc).append(" -j ").append(sep).append('\n')
                    .append("-A ").append(svl).append(" -j ").append(sep).append('\n')
                    .append("-A ").append(sep).append(" -s ").append(BACKEND_IP).append("/32 -j KUBE-MARK-MASQ\n")
                    .append("-A ").append(sep).append(" -p ").append(p[0]).append(" -m ").append(p[0])
                    .append(" -j DNAT --to-destination ").append(BACKEND_IP).append(':').append(p[3]).append('\n');
        }
        return chains.append(body).append("COMMIT\n").toString();
    }

    /** Replaces the iptables node namespace's nat table with iptables-{legacy,nft}-restore. */
    void restore(String flavour, String rules) throws Exception {
        Path f = Files.createTempFile("e4jnp-rules", ".txt");
        try {
            Files.writeString(f, rules);
            Process p = new ProcessBuilder("nsenter", "--net=" + iptNode.path(), "iptables-" + flavour + "-restore")
                    .redirectInput(f.toFile()).redirectErrorStream(true).start();
            String msg = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException("iptables-" + flavour + "-restore: " + msg);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    void ratios() {
        final int pps = 0, cps = 1, p50 = 2;
        int lo = SCALES[0], hi = SCALES[SCALES.length - 1];
        out.ratio("direct_iptables_ns_vs_direct_pps", ratio("direct-iptables-ns", "direct", pps), "(info)", true);
        for (int n : new int[] {lo, hi}) {
            double r = ratio("ebpf-xdp-" + n, "ebpf-tcx-" + n, pps);
            out.ratio("xdp_vs_tcx_pps_" + n, r, ">= 1.5", r >= 1.5);
            out.ratio("xdp_vs_tcx_conn_per_s_" + n, ratio("ebpf-xdp-" + n, "ebpf-tcx-" + n, cps), "(info)", true);
        }
        out.ratio("xdp_generic_vs_tcx_pps_" + hi, ratio("ebpf-xdp-generic-" + hi, "ebpf-tcx-" + hi, pps), "(info)", true);
        out.ratio("tcx_behind_noop_xdp_vs_tcx_pps_" + hi, ratio("ebpf-tcx-" + hi + "-behind-noop-xdp", "ebpf-tcx-" + hi, pps),
                "(info)", true);
        for (String mode : List.of("xdp", "tcx")) {
            double r = ratio("ebpf-" + mode + "-" + hi, "ebpf-" + mode + "-" + lo, pps);
            out.ratio(mode + "_pps_" + hi + "_vs_" + lo + "_flatness", r, "0.90-1.10", r >= 0.90 && r <= 1.10);
            r = ratio("ebpf-" + mode + "-" + hi, "ebpf-" + mode + "-" + lo, cps);
            out.ratio(mode + "_conn_per_s_" + hi + "_vs_" + lo + "_flatness", r, "0.90-1.10", r >= 0.90 && r <= 1.10);
        }
        for (String flavour : List.of("legacy", "nft")) {
            String ipt = "iptables-" + flavour + "-" + hi;
            boolean target = flavour.equals("legacy");
            double r = ratio("ebpf-tcx-" + hi, ipt, pps);
            out.ratio("tcx_vs_iptables_" + flavour + "_pps_" + hi, r, target ? ">= 3" : "(info)", r >= 3);
            r = ratio("ebpf-tcx-" + hi, ipt, cps);
            out.ratio("tcx_vs_iptables_" + flavour + "_conn_per_s_" + hi, r, target ? ">= 3" : "(info)", r >= 3);
            out.ratio("iptables_" + flavour + "_vs_tcx_connect_p50_" + hi, ratio(ipt, "ebpf-tcx-" + hi, p50), "(info: stall-robust)", true);
            out.ratio("iptables_" + flavour + "_conn_per_s_" + hi + "_vs_" + lo, ratio(ipt, "iptables-" + flavour + "-" + lo, cps),
                    "(info)", true);
        }
        out.ratio("tcx_pps_vs_direct_" + hi, ratio("ebpf-tcx-" + hi, "direct", pps), "(info)", true);
        // Where the time goes: the whole path per packet against what the programs themselves take.
        double tcxNs = 1e9 / median(samples.get("ebpf-tcx-" + hi), pps);
        out.check("path_ns_per_packet_direct", 1e9 / median(samples.get("direct"), pps), "ns", "(info)", true);
        out.check("path_ns_per_packet_tcx_" + hi, tcxNs, "ns", "(info)", true);
        out.check("path_ns_per_packet_xdp_" + hi, 1e9 / median(samples.get("ebpf-xdp-" + hi), pps), "ns", "(info)", true);
        out.check("program_ns_per_packet_tcx_ingress", programNs.get("tcx"), "ns", "(info)", true);
        out.check("program_ns_per_packet_xdp", programNs.get("xdp"), "ns", "(info)", true);
        out.check("program_ns_per_packet_tcx_ingress_not_a_frontend", programNs.get("miss"), "ns", "(info)", true);
        out.check("lb_share_of_path_tcx_percent", 100 * programNs.get("tcx") / tcxNs, "%", "(info)", true);
        out.check("native_xdp_on_veth_added_ns_per_packet",
                1e9 / median(samples.get("ebpf-tcx-" + hi + "-behind-noop-xdp"), pps) - tcxNs, "ns", "(info: a counting XDP program)", true);
    }
}
