package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.lb.LoadBalancer;
import dev.ebpf4j.k8s.lb.NodePortAcceleration;
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
    private NetNamespace client, node, backend;
    final Map<String, Double> pps = new LinkedHashMap<>(), cps = new LinkedHashMap<>(), p50 = new LinkedHashMap<>();
    final Map<String, Double> programNs = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        new NodePortBench().run(Path.of(args.length > 0 ? args[0] : "benchmarks/results/nodeport.csv"));
    }

    private static int[] scales() {
        String s = System.getProperty("scales", "10,1000,10000");
        return java.util.Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    void run(Path file) throws Exception {
        out.comment("datapath: bpf-src lb_datapath.bpf.c lb_nodeport_ingress/lb_nodeport_reply at tcx on the node's external veth, "
                + "and with acceleration lb_nodeport_xdp in native XDP on the same veth; driven by LoadBalancer/LbController");
        out.comment("topology: client ns --veth-- node ns --veth-- backend ns; NodePort " + NODE_IP + ":" + NODE_PORT_UDP + "/udp and :"
                + NODE_PORT_TCP + "/tcp, one local backend; the other Services are ClusterIPs (kube-proxy walks their rules first)");
        out.comment("UDP: one sender socket, 18-byte datagrams, " + SECONDS + " s per round, received packets/s at the backend; TCP: "
                + CONNS + " sequential connect+GET+close per round; " + ROUNDS + " rounds, medians");
        out.comment("backend ns: net.ipv4.tcp_max_tw_buckets=0 (no TIME_WAIT collisions between variants); syn_retransmits rows "
                + "count the client's SYN retransmits");
        out.comment("iptables: nat PREROUTING -> KUBE-SERVICES (one rule per ClusterIP) -> KUBE-NODEPORTS -> KUBE-EXT -> KUBE-SVL -> "
                + "KUBE-SEP DNAT, externalTrafficPolicy Local (no masquerade: the eBPF path keeps the client address too)");
        List<Process> servers = new ArrayList<>();
        try (Topology t = Topology.create("e4jnpb")) {
            client = t.namespace("cl");
            node = t.namespace("node");
            backend = t.namespace("b0");
            t.veth(client, "c0", "10.20.1.2/24", node, "n0", NODE_IP + "/24");
            t.veth(node, "n1", "10.20.10.1/24", backend, "p0", BACKEND_IP + "/24");
            backend.ip("route", "add", "10.20.0.0/16", "via", "10.20.10.1");
            client.ip("route", "add", "10.20.0.0/16", "via", NODE_IP);
            node.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
            // The backend closes first and keeps TIME_WAIT; the client reaches the same backend 4-tuples through other
            // destinations (pod IP, NodePort), so its new SYNs would meet TIME_WAIT sockets of an earlier variant and
            // wait for 1 s retransmits: that would measure the variants' order, not the datapath.
            backend.exec("sysctl", "-qw", "net.ipv4.tcp_max_tw_buckets=0");
            t.verifyIsolated();
            servers.add(BenchSupport.startReady(List.of("nsenter", "--net=" + backend.path(), BenchSupport.tool("http_server"),
                    BACKEND_IP, Integer.toString(HTTP_PORT))));
            connect("warmup", BACKEND_IP, HTTP_PORT, 1, 500);

            measure("direct", BACKEND_IP, UDP_PORT, HTTP_PORT);
            for (NodePortAcceleration a : List.of(NodePortAcceleration.NONE, NodePortAcceleration.XDP_NATIVE)) {
                String mode = a.xdp() ? "xdp" : "tcx";
                for (int services : SCALES) {
                    LbConfig config = LbConfig.forNode("bench-node").withNodePortAcceleration(a);
                    try (LoadBalancer lb = LoadBalancer.load(config);
                         PerCpuArrayMap<Long> stats = PerCpuArrayMap.of(lb.object().map(LbObject.NODE_PORT_STATS_MAP), Codec.u64())) {
                        lb.controller().sync(snapshot(services));
                        node.run(() -> lb.attachNodePort("n0"));
                        String variant = "ebpf-" + mode + "-" + services;
                        measure(variant, NODE_IP, NODE_PORT_UDP, NODE_PORT_TCP);
                        long xdp = sum(stats, 1), tcx = sum(stats, 0);
                        out.row(variant, "packets_dnat_at_xdp", xdp, "packets");
                        out.row(variant, "packets_dnat_at_tcx", tcx, "packets");
                        // The acceleration must really be what carried the traffic, and without it tcx.
                        if (a.xdp() ? xdp == 0 || tcx != 0 : xdp != 0 || tcx == 0) {
                            throw new IllegalStateException(variant + ": DNAT at XDP " + xdp + ", at tcx " + tcx);
                        }
                        if (!a.xdp() && services == SCALES[SCALES.length - 1]) {
                            // The price of native XDP on a veth by itself: a program that only counts, in front of tcx.
                            try (BpfObject noop = BpfObjects.open(BpfObjects.XDP_COUNTER).load()) {
                                Link l = node.call(() -> XdpProgram.of(noop.program("xdp_count")).attach("n0", XdpMode.NATIVE));
                                try {
                                    measure("ebpf-tcx-" + services + "-behind-noop-xdp", NODE_IP, NODE_PORT_UDP, NODE_PORT_TCP);
                                } finally {
                                    l.close();
                                }
                            }
                        }
                    }
                }
            }
            // Generic XDP on the same veth, for comparison with native (which switches veth to its XDP receive path).
            int top = SCALES[SCALES.length - 1];
            try (LoadBalancer lb = LoadBalancer.load(LbConfig.forNode("bench-node")
                    .withNodePortAcceleration(NodePortAcceleration.XDP_GENERIC))) {
                lb.controller().sync(snapshot(top));
                node.run(() -> lb.attachNodePort("n0"));
                measure("ebpf-xdp-generic-" + top, NODE_IP, NODE_PORT_UDP, NODE_PORT_TCP);
            }
            programCost("tcx");
            programCost("xdp");
            for (String flavour : List.of("legacy", "nft")) {
                for (int services : SCALES) {
                    restore(flavour, rules(services));
                    measure("iptables-" + flavour + "-" + services, NODE_IP, NODE_PORT_UDP, NODE_PORT_TCP);
                }
                restore(flavour, "*nat\nCOMMIT\n");
            }
            measure("direct-again", BACKEND_IP, UDP_PORT, HTTP_PORT);
            ratios();
        } finally {
            BenchSupport.stop(servers);
        }
        out.write(file);
    }

    private static long sum(PerCpuArrayMap<Long> stats, int slot) {
        return stats.get(slot).orElseThrow().stream().mapToLong(Long::longValue).sum();
    }

    void measure(String variant, String ip, int udpPort, int tcpPort) throws Exception {
        flood(variant, ip, udpPort);
        connect(variant, ip, tcpPort, ROUNDS, CONNS);
    }

    void flood(String variant, String ip, int port) throws Exception {
        double[] r = new double[ROUNDS];
        String tool = BenchSupport.tool("udp_flood"), secs = Double.toString(SECONDS);
        for (int i = 0; i < ROUNDS; i++) {
            Process recv = BenchSupport.startReady(List.of("nsenter", "--net=" + backend.path(), tool, "recv",
                    Integer.toString(UDP_PORT), secs));
            try {
                BenchSupport.run(List.of("nsenter", "--net=" + client.path(), tool, "send", ip, Integer.toString(port),
                        Double.toString(SECONDS + 0.5)));
                r[i] = Double.parseDouble(new String(recv.getInputStream().readAllBytes()).trim());
                recv.waitFor();
            } finally {
                BenchSupport.stop(List.of(recv));
            }
        }
        double m = BenchSupport.median(r);
        if (m <= 0) throw new IllegalStateException(variant + ": no packets arrived");
        pps.put(variant, m);
        out.row(variant, "packets_per_s", m, "packets/s");
        out.row(variant, "ns_per_packet", 1e9 / m, "ns");
        System.out.printf("%-28s %,12.0f packets/s", variant, m);
    }

    void connect(String variant, String ip, int port, int rounds, int conns) {
        double[] lat = new double[rounds], tail = new double[rounds], rate = new double[rounds];
        long syn0 = ClusterBench.synRetransmits(client);
        for (int r = 0; r < rounds; r++) {
            String[] f = BenchSupport.run(List.of("nsenter", "--net=" + client.path(), BenchSupport.tool("http_client"),
                    ip, Integer.toString(port), Integer.toString(conns))).trim().split(" ");
            if (Integer.parseInt(f[3]) != 0) throw new IllegalStateException(variant + ": " + f[3] + " failed connections");
            lat[r] = Double.parseDouble(f[0]);
            tail[r] = Double.parseDouble(f[1]);
            rate[r] = Double.parseDouble(f[2]);
        }
        if (variant.equals("warmup")) return;
        double l = BenchSupport.median(lat), c = BenchSupport.median(rate);
        p50.put(variant, l);
        cps.put(variant, c);
        out.row(variant, "connect_p50", l, "us");
        out.row(variant, "connections_per_s", c, "conn/s");
        out.row(variant, "connect_p99", BenchSupport.median(tail), "us");
        long syn = ClusterBench.synRetransmits(client) - syn0;
        out.row(variant, "syn_retransmits", syn, "per " + rounds * conns + " conns");
        System.out.printf("   %9.0f conn/s   p50 %7.1f us   p99 %9.1f us   %d SYN retransmits%n", c, l, BenchSupport.median(tail), syn);
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

    /** Replaces the node namespace's nat table with iptables-{legacy,nft}-restore. */
    void restore(String flavour, String rules) throws Exception {
        Path f = Files.createTempFile("e4jnp-rules", ".txt");
        try {
            Files.writeString(f, rules);
            Process p = new ProcessBuilder("nsenter", "--net=" + node.path(), "iptables-" + flavour + "-restore")
                    .redirectInput(f.toFile()).redirectErrorStream(true).start();
            String msg = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException("iptables-" + flavour + "-restore: " + msg);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    void ratios() {
        int lo = SCALES[0], hi = SCALES[SCALES.length - 1];
        double base = (pps.get("direct") + pps.get("direct-again")) / 2;
        out.row("direct-mean", "packets_per_s", base, "packets/s");
        double r = pps.get("direct-again") / pps.get("direct");
        out.ratio("direct_again_vs_direct_pps_noise", r, "(info)", true);
        r = pps.get("ebpf-xdp-" + hi) / pps.get("ebpf-tcx-" + hi);
        out.ratio("xdp_vs_tcx_pps_" + hi, r, ">= 1.5", r >= 1.5);
        r = pps.get("ebpf-xdp-" + lo) / pps.get("ebpf-tcx-" + lo);
        out.ratio("xdp_vs_tcx_pps_" + lo, r, ">= 1.5", r >= 1.5);
        r = cps.get("ebpf-xdp-" + hi) / cps.get("ebpf-tcx-" + hi);
        out.ratio("xdp_vs_tcx_conn_per_s_" + hi, r, "(info)", true);
        for (String mode : List.of("xdp", "tcx")) {
            r = pps.get("ebpf-" + mode + "-" + hi) / pps.get("ebpf-" + mode + "-" + lo);
            out.ratio(mode + "_pps_" + hi + "_vs_" + lo + "_flatness", r, "0.90-1.10", r >= 0.90 && r <= 1.10);
            r = cps.get("ebpf-" + mode + "-" + hi) / cps.get("ebpf-" + mode + "-" + lo);
            out.ratio(mode + "_conn_per_s_" + hi + "_vs_" + lo + "_flatness", r, "0.90-1.10", r >= 0.90 && r <= 1.10);
        }
        for (String flavour : List.of("legacy", "nft")) {
            r = pps.get("ebpf-tcx-" + hi) / pps.get("iptables-" + flavour + "-" + hi);
            out.ratio("tcx_vs_iptables_" + flavour + "_pps_" + hi, r, flavour.equals("legacy") ? ">= 3" : "(info)", r >= 3);
            r = cps.get("ebpf-tcx-" + hi) / cps.get("iptables-" + flavour + "-" + hi);
            out.ratio("tcx_vs_iptables_" + flavour + "_conn_per_s_" + hi, r, flavour.equals("legacy") ? ">= 3" : "(info)", r >= 3);
            r = cps.get("iptables-" + flavour + "-" + hi) / cps.get("iptables-" + flavour + "-" + lo);
            out.ratio("iptables_" + flavour + "_conn_per_s_" + hi + "_vs_" + lo, r, "(info)", true);
        }
        r = pps.get("ebpf-tcx-" + hi) / base;
        out.ratio("tcx_pps_vs_direct_" + hi, r, "(info)", true);
        r = pps.get("ebpf-xdp-" + hi) / base;
        out.ratio("xdp_pps_vs_direct_" + hi, r, "(info)", true);
        for (String flavour : List.of("legacy", "nft")) {
            r = p50.get("iptables-" + flavour + "-" + hi) / p50.get("ebpf-tcx-" + hi);
            out.ratio("iptables_" + flavour + "_vs_tcx_connect_p50_" + hi, r, "(info: stall-robust)", true);
        }
        // Where the time goes: the whole path per packet against what the programs themselves take.
        double perPacket = 1e9 / pps.get("ebpf-tcx-" + hi);
        out.check("path_ns_per_packet_tcx_" + hi, perPacket, "ns", "(info)", true);
        out.check("path_ns_per_packet_xdp_" + hi, 1e9 / pps.get("ebpf-xdp-" + hi), "ns", "(info)", true);
        out.check("path_ns_per_packet_direct", 1e9 / base, "ns", "(info)", true);
        out.check("program_ns_per_packet_tcx_ingress", programNs.get("tcx"), "ns", "(info)", true);
        out.check("program_ns_per_packet_xdp", programNs.get("xdp"), "ns", "(info)", true);
        out.check("program_ns_per_packet_tcx_ingress_not_a_frontend", programNs.get("miss"), "ns", "(info)", true);
        out.check("lb_share_of_path_tcx_percent", 100 * programNs.get("tcx") / perPacket, "%", "(info)", true);
        r = pps.get("ebpf-xdp-generic-" + hi) / pps.get("ebpf-tcx-" + hi);
        out.ratio("xdp_generic_vs_tcx_pps_" + hi, r, "(info)", true);
        double noop = 1e9 / pps.get("ebpf-tcx-" + hi + "-behind-noop-xdp");
        out.check("native_xdp_on_veth_added_ns_per_packet", noop - perPacket, "ns", "(info: a counting XDP program)", true);
    }
}
