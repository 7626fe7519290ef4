package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.LoadBalancer;
import dev.ebpf4j.k8s.lb.Selection;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import dev.ebpf4j.testkit.Topology;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Service LB benchmark (issue 5 item 5): sequential connect + GET + close from a client namespace through a router
 * namespace to three C HTTP backends, directly, through the k8s-lb socket LB (cgroup hooks, driven by
 * {@link LoadBalancer}), and through kube-proxy-shaped iptables-legacy and iptables-nft rules, with 10, 1,000 and
 * 10,000 Services installed; plus full-sync and one-endpoint-update costs against a batched C fill and
 * iptables-restore. Run by {@code benchmarks/run-lb-bench.sh}.
 */
public final class LbBench {
    static final int CONNS = Integer.getInteger("conns", 5000), ROUNDS = Integer.getInteger("rounds", 5);
    static final int[] SCALES = {10, 1000, 10_000};
    static final String DATAPATH = "k8s-lb";
    static final LbConfig CONFIG = new LbConfig("bench-node", Selection.RANDOM, false);
    static final int BACKENDS = 3, BACKEND_PORT = 8080;

    final BenchSupport out = new BenchSupport("lb");
    private NetNamespace client;
    private final List<String> backendIps = new ArrayList<>();
    final Map<String, double[]> connectResults = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        new LbBench().run(Path.of(args.length > 0 ? args[0] : "benchmarks/results/lb.csv"));
    }

    void run(Path file) throws Exception {
        out.comment("datapath: the k8s-lb socket LB (bpf-src lb_datapath.bpf.c: cgroup connect4/sendmsg4/recvmsg4/getpeername4 "
                + "and the IPv6 hooks) loaded and driven by LoadBalancer/LbController (a full sync per scale, then deltas); random selection");
        out.comment(CONNS + " sequential connect+GET+close per round, " + ROUNDS + " rounds, medians of the per-round values");
        List<Process> servers = new ArrayList<>();
        try (Topology t = Topology.create("e4jb"); TestCgroup cg = TestCgroup.create("e4jb-lb")) {
            client = t.namespace("cl");
            NetNamespace node = t.namespace("node");
            t.veth(client, "c0", "10.10.1.2/24", node, "n0", "10.10.1.1/24");
            for (int k = 0; k < BACKENDS; k++) {
                NetNamespace b = t.namespace("b" + k);
                String net = "10.10." + (10 + k);
                t.veth(node, "n" + (k + 1), net + ".1/24", b, "p0", net + ".2/24");
                b.ip("route", "add", "10.10.0.0/16", "via", net + ".1");
                backendIps.add(net + ".2");
            }
            client.ip("route", "add", "10.10.0.0/16", "via", "10.10.1.1");
            // ClusterIPs are routed to the node like on a real pod; without a route, connect() fails before nat OUTPUT.
            client.ip("route", "add", "10.96.0.0/12", "via", "10.10.1.1");
            node.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
            t.verifyIsolated();
            for (int k = 0; k < BACKENDS; k++) {
                servers.add(BenchSupport.startReady(List.of("nsenter", "--net=" + t.namespace("b" + k).path(),
                        BenchSupport.tool("http_server"), backendIps.get(k), Integer.toString(BACKEND_PORT))));
            }
            connect("warmup", backendIps.get(0), BACKEND_PORT, null, 1, 500);
            connectResults.clear();

            connect("direct", backendIps.get(0), BACKEND_PORT, null, ROUNDS, CONNS);
            // Same spread as the LB (connections rotating over the three pods), without any LB: shows what spreading
            // itself costs on this machine (three server processes to wake instead of one).
            connect("direct-rotating-3-pods", String.join(",", backendIps), BACKEND_PORT, null, ROUNDS, CONNS);
            connect("direct-random-3-pods", "random:" + String.join(",", backendIps), BACKEND_PORT, null, ROUNDS, CONNS);
            for (int services : SCALES) {
                try (LoadBalancer lb = LoadBalancer.load(CONFIG); LbSyncBench.TimedDatapath timed = new LbSyncBench.TimedDatapath(lb)) {
                    lb.attachCgroup(cg.path());
                    // A controller of our own over the same maps, so that map-write time can be told from planning.
                    LbController controller = new LbController(CONFIG, timed);
                    ClusterSnapshot snapshot = snapshot(services, BACKENDS, services - 1, 1);
                    controller.sync(snapshot);
                    connect("ebpf-" + DATAPATH + "-" + services, vip(services - 1), 80, cg.path(), ROUNDS, CONNS);
                    if (services == 10_000) {
                        connect("pod-to-pod-ebpf-10000", backendIps.get(0), BACKEND_PORT, cg.path(), ROUNDS, CONNS);
                        new LbSyncBench(this).oneEndpointUpdate(controller, timed, snapshot);
                        new LbSyncBench(this).backToBackUpdates(controller, snapshot);
                        // The measured Service still answers through the maps after the updates.
                        connect("ebpf-" + DATAPATH + "-10000-after-updates", vip(services - 1), 80, cg.path(), 1, 500);
                    }
                }
            }
            new LbSyncBench(this).syncCosts();
            for (String flavour : List.of("legacy", "nft")) {
                for (int services : SCALES) {
                    double ms = restore(flavour, rules(services, BACKENDS, services - 1));
                    out.row("iptables-" + flavour + "-restore-" + services + "x3", "sync", ms, "ms");
                    connect("iptables-" + flavour + "-" + services, vip(services - 1), 80, null, ROUNDS, CONNS);
                    if (services == 10_000) {
                        connect("pod-to-pod-iptables-" + flavour + "-10000", backendIps.get(0), BACKEND_PORT, null, ROUNDS, CONNS);
                        double resync = restore(flavour, rules(services, BACKENDS, services - 1));
                        out.row("iptables-" + flavour + "-resync-" + services + "x3", "sync", resync, "ms");
                        connectResults.put("restore-" + flavour, new double[] {ms, resync});
                    }
                }
                double seed = restore(flavour, rules(2000, 5, 1999));
                out.row("iptables-" + flavour + "-restore-2000x5", "sync", seed, "ms");
                restore(flavour, "*nat\nCOMMIT\n");
            }
            connect("direct-again", backendIps.get(0), BACKEND_PORT, null, ROUNDS, CONNS);
            ratios();
        } finally {
            BenchSupport.stop(servers);
        }
        out.write(file);
    }

    static String vip(int service) {
        return intIp(0x0a600000 + service);
    }

    /**
     * Services {@code bench/svc-i}: ClusterIP 10.96.0.0+i port 80 to {@code endpoints} endpoints on 8080, one
     * EndpointSlice each; the measured one's endpoints are the real backends, the others' addresses nobody uses.
     */
    ClusterSnapshot snapshot(int services, int endpoints, int measured, long generation) {
        List<Service> svcs = new ArrayList<>(services);
        List<EndpointSlice> slices = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            ServiceName name = new ServiceName("bench", "svc-" + i);
            svcs.add(Service.clusterIp(name, InetAddress.ofLiteral(vip(i)), List.of(ServicePort.of("http", Protocol.TCP, 80))));
            List<Endpoint> eps = new ArrayList<>(endpoints);
            for (int e = 0; e < endpoints; e++) {
                String ip = i == measured ? backendIps.get(e % BACKENDS) : intIp(0x0af40000 + i * endpoints + e);
                eps.add(Endpoint.ready(InetAddress.ofLiteral(ip), "bench-node"));
            }
            slices.add(slice(name, eps));
        }
        return ClusterSnapshot.of(svcs, slices, generation);
    }

    static EndpointSlice slice(ServiceName name, List<Endpoint> eps) {
        return new EndpointSlice(name.namespace(), name.name() + "-s1", name, AddressType.IPV4, eps,
                List.of(new EndpointPort("http", Protocol.TCP, BACKEND_PORT)));
    }

    void connect(String variant, String ip, int port, Path cgroup, int rounds, int conns) {
        double[] p50 = new double[rounds], p99 = new double[rounds], cps = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + client.path(), BenchSupport.tool("http_client"),
                    ip, Integer.toString(port), Integer.toString(conns)));
            if (cgroup != null) cmd.add(cgroup.toString());
            String[] f = BenchSupport.run(cmd).trim().split(" ");
            if (Integer.parseInt(f[3]) != 0) throw new IllegalStateException(variant + ": " + f[3] + " failed connections");
            p50[r] = Double.parseDouble(f[0]);
            p99[r] = Double.parseDouble(f[1]);
            cps[r] = Double.parseDouble(f[2]);
        }
        double[] m = {BenchSupport.median(p50), BenchSupport.median(p99), BenchSupport.median(cps)};
        connectResults.put(variant, m);
        out.row(variant, "connect_p50", m[0], "us");
        out.row(variant, "connect_p99", m[1], "us");
        out.row(variant, "connections_per_s", m[2], "conn/s");
        System.out.printf("%-40s p50 %8.1f us   p99 %8.1f us   %9.0f conn/s%n", variant, m[0], m[1], m[2]);
    }

    /** kube-proxy's shape: KUBE-SERVICES -> KUBE-SVC-* (statistic random) -> KUBE-SEP-* DNAT; the measured VIP last. */
    String rules(int services, int endpoints, int measured) {
        return kubeProxyRules(services, endpoints, measured, (i, e) -> i == measured ? backendIps.get(e % BACKENDS)
                : intIp(0x0af40000 + i * endpoints + e));
    }

    /**
     * @param endpointIp the address of endpoint e of Service i
     * @return kube-proxy's nat rules for {@code services} ClusterIP Services of {@code endpoints} endpoints each
     */
    static String kubeProxyRules(int services, int endpoints, int measured,
                                 java.util.function.BiFunction<Integer, Integer, String> endpointIp) {
        StringBuilder chains = new StringBuilder("*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n");
        StringBuilder body = new StringBuilder("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n")
                .append("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n");
        for (int n = 0; n < services; n++) {
            int i = (measured + 1 + n) % services; // the measured service comes last
            String svcChain = String.format("KUBE-SVC-%016X", 0x5EC0000000L + i);
            chains.append(':').append(svcChain).append(" - [0:0]\n");
            body.append("-A KUBE-SERVICES -d ").append(vip(i)).append("/32 -p tcp -m comment --comment \"ns/svc-")
                    .append(i).append(":http cluster IP\" -m tcp --dport 80 -j ").append(svcChain).append('\n');
            for (int e = 0; e < endpoints; e++) {
                String sepChain = String.format("KUBE-SEP-%016X", 0x5E90000000L + (long) i * endpoints + e);
                chains.append(':').append(sepChain).append(" - [0:0]\n");
                String ip = endpointIp.apply(i, e);
                body.append("-A ").append(svcChain);
                if (e < endpoints - 1) {
                    body.append(String.format(" -m statistic --mode random --probability %.11f", 1.0 / (endpoints - e)));
                }
                body.append(" -j ").append(sepChain).append('\n');
                body.append("-A ").append(sepChain).append(" -s ").append(ip).append("/32 -j KUBE-MARK-MASQ\n");
                body.append("-A ").append(sepChain).append(" -p tcp -m tcp -j DNAT --to-destination ").append(ip)
                        .append(':').append(BACKEND_PORT).append('\n');
            }
        }
        return chains.append(body).append("COMMIT\n").toString();
    }

    static String intIp(int v) {
        return (v >>> 24) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }

    /** Loads a nat table with iptables-{legacy,nft}-restore in the client namespace; returns the wall time in ms. */
    double restore(String flavour, String rules) throws Exception {
        return BenchSupport.iptablesRestore(client, flavour, rules);
    }

    void ratios() {
        double[] direct = connectResults.get("direct"), e10 = connectResults.get("ebpf-" + DATAPATH + "-10"),
                e10k = connectResults.get("ebpf-" + DATAPATH + "-10000"), leg = connectResults.get("iptables-legacy-10000"),
                nft = connectResults.get("iptables-nft-10000"), p2pE = connectResults.get("pod-to-pod-ebpf-10000"),
                p2pL = connectResults.get("pod-to-pod-iptables-legacy-10000"), sync = connectResults.get("sync"),
                upd = connectResults.get("one-endpoint-update");
        double r = connectResults.get("direct-again")[0] / direct[0];
        out.ratio("direct_again_vs_direct_p50_noise", r, "(info)", true);
        r = e10k[0] / direct[0];
        out.ratio("vip_p50_10k_vs_direct", r, "<= 1.10", r <= 1.10);
        r = e10k[0] / e10[0];
        out.ratio("vip_p50_10k_vs_10_flatness", r, "<= 1.10", r <= 1.10);
        double[] rot = connectResults.get("direct-rotating-3-pods");
        r = e10k[0] / rot[0];
        out.ratio("vip_p50_10k_vs_direct_rotating_3_pods", r, "(info)", true);
        r = e10k[2] / rot[2];
        out.ratio("vip_conn_per_s_10k_vs_direct_rotating_3_pods", r, "(info)", true);
        double[] rnd = connectResults.get("direct-random-3-pods");
        r = e10k[2] / rnd[2];
        out.ratio("vip_conn_per_s_10k_vs_direct_random_3_pods", r, "(info)", true);
        r = e10k[2] / leg[2];
        out.ratio("ebpf_vs_iptables_legacy_conn_per_s_10k", r, ">= 3", r >= 3);
        // Per-connection stalls of a loaded machine swing conn/s; the p50 ratio is the stall-robust view of the same gap.
        r = leg[0] / e10k[0];
        out.ratio("iptables_legacy_vs_ebpf_p50_latency_10k", r, "(info)", true);
        r = e10k[2] / nft[2];
        out.ratio("ebpf_vs_iptables_nft_conn_per_s_10k", r, "(info)", true);
        r = p2pE[2] / direct[2];
        out.ratio("pod_to_pod_conn_per_s_ebpf_10k_vs_direct", r, ">= 0.95", r >= 0.95);
        r = p2pL[2] / direct[2];
        out.ratio("pod_to_pod_conn_per_s_legacy_10k_vs_direct", r, "(info)", true);
        r = sync[0] / sync[1];
        out.ratio("java_full_sync_vs_c_batched_fill_10kx3", r, "<= 1.5", r <= 1.5);
        r = sync[4] / sync[1];
        out.ratio("java_map_writes_only_vs_c_batched_fill_10kx3", r, "(info)", true);
        r = connectResults.get("restore-legacy")[0] / sync[0];
        out.ratio("iptables_legacy_restore_vs_java_full_sync_10kx3", r, "(info ~100)", true);
        out.check("seed_scale_java_full_sync_2000x5", sync[2], "ms", "< 20", sync[2] < 20);

        out.check("one_endpoint_update_paced_source_to_map_p99", upd[1], "us", "< 100", upd[1] < 100);
        out.check("one_endpoint_update_controller_p99", upd[5], "us", "(info: delta received to last map write)", true);
        double[] b2b = connectResults.get("one-endpoint-update-back-to-back");
        out.check("one_endpoint_update_back_to_back_p99", b2b[1], "us", "< 100", b2b[1] < 100);
        out.check("one_endpoint_update_map_writes_p99", upd[3], "us", "(info)", true);
    }
}
