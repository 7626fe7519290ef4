package dev.ebpf4j.samples.lb;

import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LoadBalancer;
import dev.ebpf4j.k8s.lb.Selection;
import dev.ebpf4j.k8s.source.ManifestDirectorySource;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import dev.ebpf4j.testkit.Topology;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kube-proxy-less Service load balancer on real network namespaces, driven by Kubernetes manifests.
 *
 * <p>Topology (all namespaces made here, no route out of them): a "node" namespace routing between a client pod and
 * four backend pods, each backend running an HTTP server on port 8080. The Service {@code default/web}
 * (ClusterIP 10.96.0.10:80) starts with three ready endpoints. The client, whose process is in a cgroup with the
 * socket LB attached, sends HTTP requests to the VIP: the connect hook picks a backend and rewrites the destination
 * before a packet exists, so nothing carries the VIP on the wire and no iptables rule is involved. The demo then
 * scales the Service to four endpoints, fails one over (not ready), and removes every endpoint (connects are refused
 * at once). It exits 0 only if every check holds.
 *
 * <pre>./dev demo        (or scripts/run-sample.sh lb [REQUESTS])</pre>
 */
public final class ServiceLbSample {
    static final String VIP = "10.96.0.10";
    static final int BACKENDS = 4;

    private ServiceLbSample() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        boolean ok = run(requests);
        System.out.println(ok ? "\nall checks passed" : "\nSOME CHECKS FAILED");
        System.exit(ok ? 0 : 1);
    }

    /** Runs the whole demo; true when every check held. */
    public static boolean run(int requests) throws Exception {
        Path manifests = Files.createTempDirectory("ebpf4j-lb-demo");
        List<AutoCloseable> servers = new ArrayList<>();
        try (Topology topology = Topology.create("e4jlb");
             TestCgroup cgroup = TestCgroup.create("e4j-lb-demo")) {
            PodNetwork pods = PodNetwork.build(topology, BACKENDS);
            for (int i = 1; i <= BACKENDS; i++) servers.add(HttpBackend.start(pods.backend(i), pods.backendIp(i), "backend-" + i));
            System.out.println("topology: " + topology.namespaces().keySet() + " (isolated: no default route, no foreign interface)");
            System.out.println("iptables rules in the client and node namespaces: "
                    + Iptables.ruleCount(pods.client()) + " and " + Iptables.ruleCount(pods.node()));

            Manifests.writeService(manifests);
            Manifests.writeEndpoints(manifests, pods, Map.of(1, true, 2, true, 3, true));
            try (LoadBalancer lb = LoadBalancer.load(LbConfig.forNode("node").withSelection(Selection.MAGLEV));
                 ManifestDirectorySource source = new ManifestDirectorySource(manifests)) {
                lb.attachCgroup(cgroup.path());
                lb.controller().follow(source);
                source.start(Duration.ofSeconds(10));
                awaitSync(lb, source);
                Client client = new Client(pods.client(), cgroup, VIP, 80);
                Checks checks = new Checks();

                Distribution initial = client.send(requests);
                initial.print("Service default/web " + VIP + ":80 -> 3 endpoints");
                checks.expect("every request answered", initial.failures() == 0);
                checks.expect("all 3 backends used, none above 60%", initial.backends().size() == 3 && initial.maxShare() < 0.6);

                Manifests.writeEndpoints(manifests, pods, Map.of(1, true, 2, true, 3, true, 4, true));
                source.rescan();
                awaitSync(lb, source);
                Distribution scaled = client.send(requests);
                scaled.print("scaled up: endpoint backend-4 added");
                checks.expect("scaled: backend-4 receives traffic", scaled.count("backend-4") > 0 && scaled.failures() == 0);

                Manifests.writeEndpoints(manifests, pods, Map.of(1, true, 2, false, 3, true, 4, true));
                source.rescan();
                awaitSync(lb, source);
                Distribution failover = client.send(requests);
                failover.print("failover: backend-2 not ready");
                checks.expect("failover: backend-2 gets no new connections", failover.count("backend-2") == 0);
                checks.expect("failover: no request failed", failover.failures() == 0);

                Manifests.writeEndpoints(manifests, pods, Map.of());
                source.rescan();
                awaitSync(lb, source);
                long refusedNanos = client.refusalNanos();
                System.out.printf("%nno endpoints: connect refused after %.2f ms%n", refusedNanos / 1e6);
                checks.expect("no endpoints: connect refused in under 10 ms", refusedNanos >= 0 && refusedNanos < 10_000_000);
                return checks.report();
            }
        } finally {
            for (AutoCloseable s : servers) s.close();
            Manifests.delete(manifests);
        }
    }

    /** Waits until the controller has applied the manifests' latest generation to the maps, and says how long the sync took. */
    static void awaitSync(LoadBalancer lb, ManifestDirectorySource source) throws InterruptedException {
        long want = source.snapshot().generation();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            var sync = lb.controller().lastSync();
            if (sync != null && sync.generation() >= want) {
                System.out.printf("%ncontrol plane: manifests generation %d applied to the maps (last sync: %d steps in %d us)%n",
                        sync.generation(), sync.plan().steps().size(), sync.elapsed().toNanos() / 1000);
                return;
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("the LB controller did not apply generation " + want);
            Thread.sleep(5);
        }
    }

    /** Named checks, printed at the end. */
    static final class Checks {
        private final List<String> lines = new ArrayList<>();
        private boolean allOk = true;

        void expect(String what, boolean ok) {
            lines.add((ok ? "  ok    " : "  FAIL  ") + what);
            allOk &= ok;
        }

        boolean report() {
            System.out.println("\nchecks:");
            lines.forEach(System.out::println);
            return allOk;
        }
    }
}
