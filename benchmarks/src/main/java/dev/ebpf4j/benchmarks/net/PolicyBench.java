package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.IpBlock;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.NodePolicyUpdater;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NetworkPolicy verdict cost (issue 6 item 5): the k8s-policy datapath ({@code policy.bpf.c}'s
 * {@code policy_to_pod}, maps written by {@link NodePolicyUpdater}) with a policy of 10, 1,000 and 10,000 ingress
 * rules, timed per packet through BPF_PROG_TEST_RUN, beside the same allow-list as iptables filter chains (legacy and
 * nft) in the FORWARD chain of a router namespace under a real UDP flood; the program attached with tcx to the
 * server pod's host veth is measured with the same flood. Run by {@code benchmarks/run-policy-bench.sh}.
 */
public final class PolicyBench {
    static final int[] SCALES = {10, 1000, 10_000};
    static final int ROUNDS = Integer.getInteger("rounds", 3), ESTABLISHED_RUNS = 1_000_000, NEW_FLOWS = 20_000;
    static final double SECONDS = Double.parseDouble(System.getProperty("seconds", "2"));
    static final String DATAPATH = "k8s-policy";
    static final String NODE = "bench-node", CLIENT = "10.20.1.2", SERVER = "10.20.2.2";
    static final int PORT = 9000;
    static final Path SOURCE = Path.of("bpf-src/src/main/bpf/policy.bpf.c");

    private final BenchSupport out = new BenchSupport("policy");
    private final Map<String, Double> pps = new LinkedHashMap<>();
    private final Map<Integer, Double> verdictNs = new LinkedHashMap<>();
    private final Map<Integer, Double> syncMs = new LinkedHashMap<>();
    private NetNamespace client, router, server;

    public static void main(String[] args) throws Exception {
        new PolicyBench().run(Path.of(args.length > 0 ? args[0] : "benchmarks/results/policy.csv"));
    }

    void run(Path file) throws Exception {
        out.comment("datapath: k8s-policy policy.bpf.c policy_to_pod (tcx egress of the server pod's host veth), maps from "
                + "NodePolicyUpdater; policy: N ingress rules (ipBlock /32 + UDP port), the one allowing the client last");
        out.comment("test-run: new-flow verdicts are single runs of distinct flows (verdict + conntrack insert, kernel-timed), "
                + "established ones " + ESTABLISHED_RUNS + " repeats of one flow (conntrack hit)");
        out.comment("flood: one UDP flow of 18-byte datagrams, " + SECONDS + " s per round, " + ROUNDS + " rounds, receiver packets/s medians; "
                + "the iptables chains have no conntrack ESTABLISHED shortcut, so every packet walks the chain, "
                + "while the BPF program's own conntrack answers all but the first packet");
        try (Topology t = Topology.create("e4jp")) {
            client = t.namespace("cl");
            router = t.namespace("rt");
            server = t.namespace("sv");
            t.veth(client, "c0", CLIENT + "/24", router, "r0", "10.20.1.1/24");
            t.veth(router, "r1", "10.20.2.1/24", server, "s0", SERVER + "/24");
            client.ip("route", "add", "10.20.0.0/16", "via", "10.20.1.1");
            server.ip("route", "add", "10.20.0.0/16", "via", "10.20.2.1");
            router.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
            t.verifyIsolated();

            flood("no-filter");
            Path object = BpfBuilder.create().compile(SOURCE.toAbsolutePath(),
                    Path.of("benchmarks/target/bpf/policy.bpf.o").toAbsolutePath()).object();
            try (BpfObject obj = BpfObject.open(object).load(); KernelPolicyMaps maps = KernelPolicyMaps.of(obj)) {
                TcProgram toPod = TcProgram.of(obj.program("policy_to_pod"));
                Map<Integer, ClusterState> states = new LinkedHashMap<>();
                for (int n : SCALES) states.put(n, state(n));
                for (int n : SCALES) {
                    // A full sync: empty maps, a new updater (the incremental path's first apply compiles everything).
                    maps.clear();
                    NodePolicyUpdater fresh = new NodePolicyUpdater(NODE, maps);
                    long t0 = System.nanoTime();
                    var result = fresh.apply(states.get(n));
                    double ms = (System.nanoTime() - t0) / 1e6;
                    out.row("k8s-policy-apply-" + n, "sync", ms, "ms");
                    syncMs.put(n, ms);
                    System.out.printf("policy with %d rules applied: %d map writes in %.1f ms%n", n, result.writes(), ms);
                    testRun(toPod, maps, n);
                }
                maps.clear();
                interleavedTcx(toPod, maps, new NodePolicyUpdater(NODE, maps), states);
            }
            for (String flavour : List.of("legacy", "nft")) {
                for (int n : SCALES) {
                    restore(flavour, chains(n));
                    flood("iptables-" + flavour + "-" + n);
                }
                restore(flavour, "*filter\nCOMMIT\n");
            }
            flood("no-filter-again");
            ratios();
        }
        out.write(file);
    }

    /**
     * The tcx program under the flood, the rule count changing between rounds (10, 1,000, 10,000, 10, ...) through one
     * incremental updater, so that load on the machine falls on every scale alike; a median per scale.
     */
    void interleavedTcx(TcProgram toPod, KernelPolicyMaps maps, NodePolicyUpdater updater, Map<Integer, ClusterState> states)
            throws Exception {
        Map<Integer, double[]> rounds = new LinkedHashMap<>();
        for (int n : SCALES) rounds.put(n, new double[ROUNDS]);
        try (Link link = router.call(() -> toPod.attach("r1", TcDirection.EGRESS))) {
            for (int r = 0; r < ROUNDS; r++) {
                for (int n : SCALES) {
                    long t0 = System.nanoTime();
                    var result = updater.apply(states.get(n));
                    if (r == 0) {
                        System.out.printf("incremental change to %d rules: %d map writes in %.1f ms%n", n, result.writes(),
                                (System.nanoTime() - t0) / 1e6);
                    }
                    maps.clearConntrack();
                    rounds.get(n)[r] = floodRound();
                    maps.drainEvents(e -> { });
                }
            }
        }
        for (int n : SCALES) {
            String variant = "ebpf-" + DATAPATH + "-tcx-" + n;
            double m = BenchSupport.median(rounds.get(n));
            pps.put(variant, m);
            out.row(variant, "packets_per_s", m, "packets/s");
            System.out.printf("%-36s %,12.0f packets/s (interleaved rounds %s)%n", variant, m,
                    java.util.Arrays.toString(rounds.get(n)));
        }
    }

    /** The server pod isolated for ingress by one policy: n-1 rules for other sources and ports, then the client's. */
    static ClusterState state(int n) {
        List<NetworkPolicyRule> rules = new ArrayList<>(n);
        for (int i = 0; i < n - 1; i++) {
            rules.add(new NetworkPolicyRule(List.of(NetworkPolicyPeer.ipBlock(IpBlock.of(LbBench.intIp(0x0a1e0000 + i) + "/32"))),
                    List.of(NetworkPolicyPort.number(L4Protocol.UDP, 10_000 + i % 20_000))));
        }
        rules.add(new NetworkPolicyRule(List.of(NetworkPolicyPeer.ipBlock(IpBlock.of("10.20.1.0/24"))),
                List.of(NetworkPolicyPort.number(L4Protocol.UDP, PORT))));
        Pod srv = new Pod("bench", "srv", Map.of("app", "srv"), List.of(Cidr.address(SERVER)), NODE, List.of());
        NetworkPolicy policy = new NetworkPolicy("bench", "allow-list", LabelSelector.matchLabels(Map.of("app", "srv")),
                EnumSet.of(PolicyType.INGRESS), rules, List.of());
        return new ClusterState(List.of(Namespace.of("bench", Map.of())), List.of(srv), List.of(policy),
                Map.of(NODE, List.of(Cidr.address("10.20.2.1"))));
    }

    static byte[] frame(int sport, int dport) {
        return Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(CLIENT, SERVER).udp(sport, dport).build();
    }

    void testRun(TcProgram prog, KernelPolicyMaps maps, int n) {
        ProgramTester once = ProgramTester.of(prog);
        double[] allowNew = new double[NEW_FLOWS], denyNew = new double[NEW_FLOWS / 4];
        maps.clearConntrack();
        for (int i = 0; i < NEW_FLOWS; i++) {
            TestRun r = once.run(frame(1024 + i % 60_000, PORT));
            if (r.verdict() == 2) throw new IllegalStateException("allowed flow dropped with " + n + " rules");
            allowNew[i] = r.nanosPerRun();
        }
        for (int i = 0; i < denyNew.length; i++) {
            TestRun r = once.run(frame(1024 + i, PORT + 1));
            if (r.verdict() != 2) throw new IllegalStateException("denied flow passed with " + n + " rules");
            denyNew[i] = r.nanosPerRun();
            if (i % 1000 == 999) maps.drainEvents(e -> { }); // drop events go to the flow ring buffer
        }
        maps.drainEvents(e -> { });
        // The floor of a single kernel-timed run: a packet for no local pod leaves at the first map lookup.
        double[] floor = new double[NEW_FLOWS / 4];
        for (int i = 0; i < floor.length; i++) {
            floor[i] = once.run(Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(CLIENT, "10.20.9.9")
                    .udp(1024 + i, PORT).build()).nanosPerRun();
        }
        ProgramTester repeated = ProgramTester.of(prog).repeat(ESTABLISHED_RUNS);
        byte[] established = frame(1024, PORT);
        double[] est = new double[5];
        for (int r = 0; r < est.length; r++) est[r] = repeated.run(established).nanosPerRun();
        double a = BenchSupport.median(allowNew), d = BenchSupport.median(denyNew), e = BenchSupport.median(est);
        verdictNs.put(n, a);
        String v = "ebpf-" + DATAPATH + "-test-run-" + n;
        out.row(v, "verdict_allow_new_flow", a, "ns/packet");
        out.row(v, "verdict_deny_new_flow", d, "ns/packet");
        out.row(v, "verdict_established", e, "ns/packet");
        out.row(v, "single_run_floor_not_local", BenchSupport.median(floor), "ns/packet");
        System.out.printf("%-36s new-flow allow %6.1f ns   deny %6.1f ns   established %5.1f ns   (single-run floor %5.1f ns)%n",
                "test-run " + n + " rules", a, d, e, BenchSupport.median(floor));
    }

    /** The same allow-list as filter chains: FORWARD -> E4J-POLICY (n rules, the allowing one last) -> DROP. */
    static String chains(int n) {
        StringBuilder s = new StringBuilder("*filter\n:E4J-POLICY - [0:0]\n-A FORWARD -j E4J-POLICY\n");
        for (int i = 0; i < n - 1; i++) {
            s.append("-A E4J-POLICY -s ").append(LbBench.intIp(0x0a1e0000 + i)).append("/32 -p udp -m udp --dport ")
                    .append(10_000 + i % 20_000).append(" -j ACCEPT\n");
        }
        s.append("-A E4J-POLICY -s 10.20.1.0/24 -p udp -m udp --dport ").append(PORT).append(" -j ACCEPT\n");
        return s.append("-A E4J-POLICY -j DROP\nCOMMIT\n").toString();
    }

    void restore(String flavour, String rules) throws Exception {
        BenchSupport.iptablesRestore(router, flavour, rules);
    }

    void flood(String variant) throws Exception {
        double[] r = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) r[i] = floodRound();
        double m = BenchSupport.median(r);
        if (m <= 0) throw new IllegalStateException(variant + ": no packets arrived");
        pps.put(variant, m);
        out.row(variant, "packets_per_s", m, "packets/s");
        System.out.printf("%-36s %,12.0f packets/s%n", variant, m);
    }

    /** @return packets/s the server received in one round of the flood */
    double floodRound() throws Exception {
        String tool = BenchSupport.tool("udp_flood"), secs = Double.toString(SECONDS);
        Process recv = BenchSupport.startReady(List.of("nsenter", "--net=" + server.path(), tool, "recv", Integer.toString(PORT), secs));
        List<Process> started = new ArrayList<>(List.of(recv));
        try {
            BenchSupport.run(List.of("nsenter", "--net=" + client.path(), tool, "send", "10.20.2.2", Integer.toString(PORT),
                    Double.toString(SECONDS + 0.5)));
            double v = Double.parseDouble(new String(recv.getInputStream().readAllBytes()).trim());
            recv.waitFor();
            return v;
        } finally {
            BenchSupport.stop(started);
        }
    }

    void ratios() {
        // Unfiltered rate measured first and last: their mean is the baseline the added costs are taken against.
        double base = (pps.get("no-filter") + pps.get("no-filter-again")) / 2;
        out.row("no-filter-mean", "packets_per_s", base, "packets/s");
        for (String flavour : List.of("legacy", "nft")) {
            for (int n : SCALES) {
                double added = Math.max(0, 1e9 / pps.get("iptables-" + flavour + "-" + n) - 1e9 / base);
                out.row("iptables-" + flavour + "-" + n, "added_cost", added, "ns/packet");
            }
        }
        for (int n : SCALES) {
            double added = Math.max(0, 1e9 / pps.get("ebpf-" + DATAPATH + "-tcx-" + n) - 1e9 / base);
            out.row("ebpf-" + DATAPATH + "-tcx-" + n, "added_cost", added, "ns/packet");
        }
        double legacyAdded = 1e9 / pps.get("iptables-legacy-10000") - 1e9 / base;
        double r = legacyAdded / verdictNs.get(10_000);
        out.ratio("iptables_legacy_added_ns_vs_bpf_new_flow_verdict_ns_10k", r, "(info)", true);
        r = (1e9 / pps.get("iptables-nft-10000") - 1e9 / base) / verdictNs.get(10_000);
        out.ratio("iptables_nft_added_ns_vs_bpf_new_flow_verdict_ns_10k", r, "(info)", true);
        r = pps.get("ebpf-" + DATAPATH + "-tcx-10000") / pps.get("iptables-legacy-10000");
        out.ratio("tcx_vs_iptables_legacy_pps_10k", r, "(info)", true);
        r = pps.get("ebpf-" + DATAPATH + "-tcx-10000") / pps.get("iptables-nft-10000");
        out.ratio("tcx_vs_iptables_nft_pps_10k", r, "(info)", true);
        r = verdictNs.get(10_000) / verdictNs.get(10);
        out.ratio("bpf_new_flow_verdict_10k_vs_10_rules", r, "(info)", true);
        r = pps.get("ebpf-" + DATAPATH + "-tcx-10000") / base;
        out.ratio("tcx_10k_vs_no_filter_pps", r, "(info)", true);
        r = pps.get("ebpf-" + DATAPATH + "-tcx-10000") / pps.get("ebpf-" + DATAPATH + "-tcx-10");
        out.ratio("tcx_pps_10k_vs_10_rules_interleaved", r, ">= 0.90", r >= 0.90);
        r = syncMs.get(10_000);
        out.check("full_sync_10k_rules", r, "ms", "< 200", r < 200);
    }
}
