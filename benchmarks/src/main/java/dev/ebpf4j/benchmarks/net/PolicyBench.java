package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.LpmTrieMap;
import dev.ebpf4j.maps.PutMode;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NetworkPolicy verdict cost (issue 6 item 5): per-packet cost of the policy program through BPF_PROG_TEST_RUN with
 * 10, 1,000 and 10,000 rules, beside the same allow-list as iptables filter chains (legacy and nft) in the FORWARD
 * chain of a router namespace, measured with a real UDP flood between namespaces; the tcx program on the router's
 * ingress is measured with the same flood. Run by {@code benchmarks/run-policy-bench.sh}.
 */
public final class PolicyBench {
    static final int[] SCALES = {10, 1000, 10_000};
    static final int ROUNDS = Integer.getInteger("rounds", 3), TEST_RUNS = 1_000_000;
    static final double SECONDS = Double.parseDouble(System.getProperty("seconds", "2"));
    static final String DATAPATH = "interim";
    static final int PORT = 9000;

    private final BenchSupport out = new BenchSupport("policy");
    private final Map<String, Double> pps = new LinkedHashMap<>();
    private final Map<Integer, Double> verdictNs = new LinkedHashMap<>();
    private NetNamespace client, router, server;

    public static void main(String[] args) throws Exception {
        new PolicyBench().run(Path.of(args.length > 0 ? args[0] : "benchmarks/results/policy.csv"));
    }

    void run(Path file) throws Exception {
        out.comment("datapath: " + DATAPATH + " LPM verdict program (benchmarks/src/main/bpf/interim_policy.bpf.c) until the k8s-policy datapath is merged");
        out.comment("flood: one UDP flow of 18-byte datagrams, " + SECONDS + " s per round, " + ROUNDS + " rounds, receiver packets/s medians; "
                + "the allowed rule is last and the chains have no conntrack ESTABLISHED shortcut, so every packet walks the chain");
        try (Topology t = Topology.create("e4jp")) {
            client = t.namespace("cl");
            router = t.namespace("rt");
            server = t.namespace("sv");
            t.veth(client, "c0", "10.20.1.2/24", router, "r0", "10.20.1.1/24");
            t.veth(router, "r1", "10.20.2.1/24", server, "s0", "10.20.2.2/24");
            client.ip("route", "add", "10.20.0.0/16", "via", "10.20.1.1");
            server.ip("route", "add", "10.20.0.0/16", "via", "10.20.2.1");
            router.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
            t.verifyIsolated();

            flood("no-filter");
            try (BpfObject obj = BpfObject.open(BenchSupport.compile("interim_policy.bpf.c")).load()) {
                TcProgram prog = TcProgram.of(obj.program("interim_policy"));
                var rules = LpmTrieMap.of(obj.map("rules"), Codec.bytes(12), Codec.u32());
                for (int n : SCALES) {
                    fillRules(rules, n);
                    testRun(prog, n);
                    try (Link link = router.call(() -> prog.attach("r0", TcDirection.INGRESS))) {
                        flood("ebpf-" + DATAPATH + "-tcx-" + n);
                    }
                }
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

    /** n rules: n-1 that do not match the flood (other sources and ports), and the one that allows it. */
    static void fillRules(LpmTrieMap<byte[], Long> rules, int n) {
        // Scales grow, and each scale's rules include the smaller one's: adding is enough.
        for (int i = 0; i < n - 1; i++) rules.put(key(32 + 32, 10_000 + i % 20_000, 0x0a1e0000 + i), 1L, PutMode.ANY);
        rules.put(key(32 + 24, PORT, 0x0a140100), 1L, PutMode.ANY);
    }

    static byte[] key(int prefixlen, int port, int source) {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(prefixlen);
        b.order(java.nio.ByteOrder.BIG_ENDIAN).putShort((short) port).put((byte) 17).put((byte) 0).putInt(source);
        return b.array();
    }

    void testRun(TcProgram prog, int n) {
        byte[] allowed = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("10.20.1.2", "10.20.2.2").udp(40000, PORT).build();
        byte[] denied = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("10.20.1.2", "10.20.2.2").udp(40000, PORT + 1).build();
        ProgramTester tester = ProgramTester.of(prog).repeat(TEST_RUNS);
        double[] allow = new double[5], deny = new double[5];
        for (int r = 0; r < 5; r++) {
            TestRun a = tester.run(allowed), d = tester.run(denied);
            if (a.verdict() != 0 || d.verdict() != 2) throw new IllegalStateException("verdicts " + a.verdict() + "/" + d.verdict());
            allow[r] = a.nanosPerRun();
            deny[r] = d.nanosPerRun();
        }
        double ma = BenchSupport.median(allow), md = BenchSupport.median(deny);
        verdictNs.put(n, ma);
        out.row("ebpf-" + DATAPATH + "-test-run-" + n, "verdict_allow", ma, "ns/packet");
        out.row("ebpf-" + DATAPATH + "-test-run-" + n, "verdict_deny", md, "ns/packet");
        System.out.printf("%-36s allow %6.1f ns/packet   deny %6.1f ns/packet%n", "test-run " + n + " rules", ma, md);
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
        Path f = Files.createTempFile("e4jp-rules", ".txt");
        try {
            Files.writeString(f, rules);
            Process p = new ProcessBuilder("nsenter", "--net=" + router.path(), "iptables-" + flavour + "-restore")
                    .redirectInput(f.toFile()).redirectErrorStream(true).start();
            String msg = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException("iptables-" + flavour + "-restore: " + msg);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    void flood(String variant) throws Exception {
        double[] r = new double[ROUNDS];
        String tool = BenchSupport.tool("udp_flood"), secs = Double.toString(SECONDS);
        for (int i = 0; i < ROUNDS; i++) {
            Process recv = BenchSupport.startReady(List.of("nsenter", "--net=" + server.path(), tool, "recv", Integer.toString(PORT), secs));
            List<Process> started = new ArrayList<>(List.of(recv));
            try {
                BenchSupport.run(List.of("nsenter", "--net=" + client.path(), tool, "send", "10.20.2.2", Integer.toString(PORT),
                        Double.toString(SECONDS + 0.5)));
                r[i] = Double.parseDouble(new String(recv.getInputStream().readAllBytes()).trim());
                recv.waitFor();
            } finally {
                BenchSupport.stop(started);
            }
        }
        double m = BenchSupport.median(r);
        if (m <= 0) throw new IllegalStateException(variant + ": no packets arrived");
        pps.put(variant, m);
        out.row(variant, "packets_per_s", m, "packets/s");
        System.out.printf("%-36s %,12.0f packets/s%n", variant, m);
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
        out.ratio("iptables_legacy_added_ns_vs_bpf_verdict_ns_10k", r, "(info)", true);
        r = pps.get("ebpf-" + DATAPATH + "-tcx-10000") / pps.get("iptables-legacy-10000");
        out.ratio("tcx_vs_iptables_legacy_pps_10k", r, "(info)", true);
        r = pps.get("ebpf-" + DATAPATH + "-tcx-10000") / pps.get("iptables-nft-10000");
        out.ratio("tcx_vs_iptables_nft_pps_10k", r, "(info)", true);
        r = verdictNs.get(10_000) / verdictNs.get(10);
        out.ratio("bpf_verdict_10k_vs_10_rules", r, "(info)", true);
        r = pps.get("ebpf-" + DATAPATH + "-tcx-10000") / base;
        out.ratio("tcx_10k_vs_no_filter_pps", r, "(info)", true);
    }
}
