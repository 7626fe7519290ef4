package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.LoadBalancer;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.CompiledPolicy;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.NodePolicyUpdater;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The control plane at the seed's scale (issue 15 item 3), one run: {@link SeedCluster}'s 10,000 pods and 1,000
 * NetworkPolicies compiled into the kernel maps of a loaded {@code policy.bpf.c} by {@link NodePolicyUpdater}
 * (the incremental path the agent uses), 2,000 Services of 5 endpoints synced into a loaded LB object by
 * {@link LbController}; then one pod-label change and one policy edit at a time, timed from building the new
 * snapshot (what the sources' stores do on an event) to the return of the last map write; then the process's heap
 * and RSS; then the iptables rule sets a kube-proxy and an ipset-less iptables policy engine would need for the same
 * cluster, counted and restored (legacy and nft) in a namespace made here. Run by
 * {@code benchmarks/run-policy-bench.sh}; writes results/policy-seed.csv.
 */
public final class SeedBench {
    static final int CHANGES = Integer.getInteger("changes", 400), WARM = 100;

    private final BenchSupport out = new BenchSupport("policy-seed");

    public static void main(String[] args) throws Exception {
        new SeedBench().run(Path.of(args.length > 0 ? args[0] : "benchmarks/results/policy-seed.csv"));
    }

    void run(Path file) throws Exception {
        ClusterState cluster = SeedCluster.state();
        out.comment("cluster: " + SeedCluster.NODES + " nodes, " + cluster.pods().size() + " pods in " + cluster.namespaces().size()
                + " namespaces, " + cluster.policies().size() + " NetworkPolicies (e2e shapes, SeedCluster), 2,000 Services x 5 endpoints; "
                + "node " + SeedCluster.NODE + " holds 20 of the pods");
        out.comment("changes: " + CHANGES + " after " + WARM + " warm-up, each timed from building the new snapshot "
                + "(ClusterState.withPod/withPolicy, what a store does per event) to the return of the last map write "
                + "(kernel maps of a loaded object)");
        Path object = BpfBuilder.create().compile(PolicyBench.SOURCE.toAbsolutePath(),
                Path.of("benchmarks/target/bpf/policy.bpf.o").toAbsolutePath()).object();
        try (BpfObject obj = BpfObject.open(object).load(); KernelPolicyMaps maps = KernelPolicyMaps.of(obj)) {
            NodePolicyUpdater updater = new NodePolicyUpdater(SeedCluster.NODE, maps);
            long t0 = System.nanoTime();
            NodePolicyUpdater.Result r = updater.apply(cluster);
            double ms = (System.nanoTime() - t0) / 1e6;
            CompiledPolicy c = updater.current();
            out.row("policy-full-sync-seed", "sync", ms, "ms");
            out.row("policy-full-sync-seed", "map_writes", r.writes(), "writes");
            out.row("policy-full-sync-seed", "rule_entries", c.policy().size(), "entries");
            out.row("policy-full-sync-seed", "ipcache_entries", c.ipcache().size(), "entries");
            System.out.printf("policy full sync: %d writes (%d rule, %d ipcache, %d endpoint entries) in %.1f ms%n",
                    r.writes(), c.policy().size(), c.ipcache().size(), c.endpoints().size(), ms);
            cluster = podLabelChanges(updater, cluster);
            policyEdits(updater, cluster);
        }
        lbSync();
        memory();
        iptables(cluster);
        out.write(file);
    }

    /** A remote pod of a namespace with a local endpoint flips tier web/db: its identity, and the rules naming it. */
    ClusterState podLabelChanges(NodePolicyUpdater updater, ClusterState state) {
        Random random = new Random(1);
        double[] us = new double[CHANGES];
        int writes = 0;
        Map<String, Integer> positions = new java.util.HashMap<>();
        for (int i = 0; i < state.pods().size(); i++) positions.put(state.pods().get(i).key(), i);
        for (int k = 0; k < CHANGES + WARM; k++) {
            int n = random.nextInt(20);
            int at = positions.get(SeedCluster.ns(n) + "/pod-" + (1 + random.nextInt(SeedCluster.PODS_PER_NAMESPACE - 1)));
            long t0 = System.nanoTime();
            Pod p = state.pods().get(at);
            state = state.withPod(p.withLabels(Map.of("app", p.labels().get("app"),
                    "tier", p.labels().get("tier").equals("web") ? "db" : "web")));
            NodePolicyUpdater.Result r = updater.apply(state);
            if (k >= WARM) {
                us[k - WARM] = (System.nanoTime() - t0) / 1e3;
                writes += r.writes();
            }
        }
        report("pod-label-change-seed", us, writes);
        return state;
    }

    /** A policy of a namespace with a local endpoint changes its port (80 <-> 81): that endpoint's rule entries. */
    void policyEdits(NodePolicyUpdater updater, ClusterState state) {
        Random random = new Random(2);
        double[] us = new double[CHANGES];
        int writes = 0;
        for (int k = 0; k < CHANGES + WARM; k++) {
            String key = SeedCluster.ns(random.nextInt(20)) + "/allow-same-ns-app-1";
            int at = 0;
            while (!state.policies().get(at).key().equals(key)) at++;
            long t0 = System.nanoTime();
            NetworkPolicy p = state.policies().get(at);
            NetworkPolicyRule rule = p.ingress().get(0);
            int port = rule.ports().get(0).port() == 80 ? 81 : 80;
            state = state.withPolicy(new NetworkPolicy(p.namespace(), p.name(), p.podSelector(), p.policyTypes(),
                    List.of(new NetworkPolicyRule(rule.peers(), List.of(NetworkPolicyPort.number(L4Protocol.TCP, port)))), p.egress()));
            NodePolicyUpdater.Result r = updater.apply(state);
            if (k >= WARM) {
                us[k - WARM] = (System.nanoTime() - t0) / 1e3;
                writes += r.writes();
            }
        }
        report("policy-edit-seed", us, writes);
    }

    private void report(String variant, double[] us, int writes) {
        double p50 = BenchSupport.median(us), p99 = BenchSupport.percentile(us, 0.99);
        out.row(variant, "latency_p50", p50, "us");
        out.row(variant, "latency_p99", p99, "us");
        out.row(variant, "map_writes_per_change", (double) writes / us.length, "writes");
        out.check(variant + "_p99", p99, "us", "< 1000", p99 < 1000);
        System.out.printf("%-24s p50 %7.1f us  p99 %7.1f us  (%.1f map writes per change)%n", variant, p50, p99,
                (double) writes / us.length);
    }

    void lbSync() throws Exception {
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        for (int n = 0; n < SeedCluster.NAMESPACES; n++) {
            for (int a = 0; a < SeedCluster.APPS; a++) {
                int i = n * SeedCluster.APPS + a;
                ServiceName name = new ServiceName(SeedCluster.ns(n), "app-" + a);
                services.add(Service.clusterIp(name, SeedCluster.address(0x0a600000 + i), List.of(ServicePort.of("http", Protocol.TCP, 80))));
                List<Endpoint> eps = new ArrayList<>();
                for (int e = 0; e < 5; e++) {
                    eps.add(Endpoint.ready(SeedCluster.address(0x0a400000 + n * SeedCluster.PODS_PER_NAMESPACE + a * 5 + e), "node-1"));
                }
                slices.add(new EndpointSlice(name.namespace(), name.name() + "-s1", name, AddressType.IPV4, eps,
                        List.of(new EndpointPort("http", Protocol.TCP, 8080))));
            }
        }
        try (LoadBalancer lb = LoadBalancer.load(LbBench.CONFIG); LbSyncBench.TimedDatapath timed = new LbSyncBench.TimedDatapath(lb)) {
            LbController controller = new LbController(LbBench.CONFIG, timed);
            long t0 = System.nanoTime();
            controller.sync(ClusterSnapshot.of(services, slices, 1));
            double ms = (System.nanoTime() - t0) / 1e6;
            out.row("lb-full-sync-seed", "sync", ms, "ms");
            System.out.printf("LB full sync: %d Services x 5 endpoints in %.1f ms%n", services.size(), ms);
        }
    }

    void memory() throws Exception {
        for (int i = 0; i < 3; i++) System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        out.row("bench-process-after-sync", "heap_used", heap / 1048576.0, "MiB");
        out.row("bench-process-after-sync", "rss", rss / 1048576.0, "MiB");
        out.check("seed_process_rss", rss / 1048576.0, "MiB", "< 300", rss / 1048576.0 < 300);
        System.out.printf("after both syncs: heap %.1f MiB used, RSS %.1f MiB (the whole bench JVM: cluster state, compiler, both objects)%n",
                heap / 1048576.0, rss / 1048576.0);
    }

    void iptables(ClusterState cluster) throws Exception {
        String kubeProxy = LbBench.kubeProxyRules(2000, 5, 1999, (i, e) -> LbBench.intIp(0x0a400000
                + (i / SeedCluster.APPS) * SeedCluster.PODS_PER_NAMESPACE + (i % SeedCluster.APPS) * 5 + e));
        String policy = IptablesPolicyRules.of(cluster, SeedCluster.NODE);
        out.row("iptables-kube-proxy-seed", "rules", count(kubeProxy), "rules");
        out.row("iptables-policy-engine-seed", "rules", count(policy), "rules");
        try (Topology t = Topology.create("e4js")) {
            NetNamespace ns = t.namespace("ipt");
            t.verifyIsolated();
            for (String flavour : List.of("legacy", "nft")) {
                double kp = restore(ns, flavour, kubeProxy);
                double pol = restore(ns, flavour, policy);
                out.row("iptables-" + flavour + "-kube-proxy-seed", "restore", kp, "ms");
                out.row("iptables-" + flavour + "-policy-engine-seed", "restore", pol, "ms");
                System.out.printf("iptables-%s restore: kube-proxy %,d rules %.0f ms, policy engine %,d rules %.0f ms%n",
                        flavour, count(kubeProxy), kp, count(policy), pol);
                restore(ns, flavour, "*nat\nCOMMIT\n");
                restore(ns, flavour, "*filter\nCOMMIT\n");
            }
        }
    }

    private static int count(String rules) {
        return (int) rules.lines().filter(l -> l.startsWith("-A ")).count();
    }

    private static double restore(NetNamespace ns, String flavour, String rules) throws Exception {
        return BenchSupport.iptablesRestore(ns, flavour, rules);
    }
}
