package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.k8s.lb.KernelLbDatapath;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.LbDatapath;
import dev.ebpf4j.k8s.lb.LoadBalancer;
import dev.ebpf4j.k8s.lb.UpdatePlan;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.k8s.source.InMemorySource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The control-plane half of {@link LbBench}: full-sync cost against a batched C fill, and one-endpoint update
 * latency at 10,000 Services (paced through a source, and back to back through the controller).
 */
final class LbSyncBench {
    private final LbBench bench;

    LbSyncBench(LbBench bench) {
        this.bench = bench;
    }

    /**
     * One endpoint of one Service changes address. The change enters the control plane the way an informer hands it
     * over: {@link InMemorySource#putSlice} on the calling thread (what fabric8's event handler does for
     * {@code InformerSource}), then the source's notification thread runs the controller, which plans and writes
     * the maps. Measured: from that call to the end of the last map write (the datapath records the time), so the
     * thread hand-off is included. Also reported: the map writes alone.
     */
    void oneEndpointUpdate(LbController controller, TimedDatapath timed, ClusterSnapshot base) throws InterruptedException {
        int n = Integer.getInteger("updates", 2000), warm = 500;
        double[] us = new double[n], writes = new double[n], inController = new double[n];
        try (InMemorySource source = new InMemorySource()) {
            source.replaceAll(List.copyOf(base.services().values()), List.copyOf(base.slices().values()));
            controller.follow(source);
            long applies = timed.applies;
            source.start(java.time.Duration.ZERO);
            // the first delta is full: identical objects, so nothing to write, but wait until it is through
            while (controller.lastSync() == null || controller.lastSync().generation() != source.snapshot().generation()) {
                Thread.sleep(1);
            }
            if (timed.applies != applies) throw new IllegalStateException("the full first delta rewrote maps");
            Map<String, EndpointSlice> slices = new TreeMap<>(base.slices());
            for (int k = 0; k < n + warm; k++) {
                ServiceName name = new ServiceName("bench", "svc-" + (k % 5000));
                List<Endpoint> eps = new ArrayList<>(slices.get(name.namespace() + "/" + name.name() + "-s1").endpoints());
                eps.set(k % LbBench.BACKENDS, Endpoint.ready(InetAddress.ofLiteral(LbBench.intIp(0x0af50000 + k)), "bench-node"));
                EndpointSlice changed = LbBench.slice(name, eps);
                slices.put(changed.key(), changed);
                long before = timed.applies;
                LbController.SyncResult lastBefore = controller.lastSync();
                long t0 = System.nanoTime();
                source.putSlice(changed);
                while (timed.applies == before) java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                if (k >= warm) {
                    us[k - warm] = (timed.lastEnd - t0) / 1e3;
                    writes[k - warm] = timed.lastNanos / 1e3;
                    while (controller.lastSync() == lastBefore) Thread.onSpinWait();
                    inController[k - warm] = controller.lastSync().elapsed().toNanos() / 1e3;
                }
                // pace like a busy cluster (a few hundred changes per second), not a tight loop
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        }
        double p50 = BenchSupport.median(us), p99 = BenchSupport.percentile(us, 0.99);
        bench.out.row("one-endpoint-update-" + LbBench.DATAPATH + "-10000", "latency_p50", p50, "us");
        bench.out.row("one-endpoint-update-" + LbBench.DATAPATH + "-10000", "latency_p99", p99, "us");
        double w50 = BenchSupport.median(writes), w99 = BenchSupport.percentile(writes, 0.99);
        bench.out.row("one-endpoint-update-map-writes-10000", "latency_p50", w50, "us");
        bench.out.row("one-endpoint-update-map-writes-10000", "latency_p99", w99, "us");
        double c50 = BenchSupport.median(inController), c99 = BenchSupport.percentile(inController, 0.99);
        bench.out.row("one-endpoint-update-controller-10000", "latency_p50", c50, "us");
        bench.out.row("one-endpoint-update-controller-10000", "latency_p99", c99, "us");
        bench.connectResults.put("one-endpoint-update", new double[] {p50, p99, w50, w99, c50, c99});
        System.out.printf("one endpoint update at 10,000 Services (%d changes, source call to last map write): p50 %.1f us, p99 %.1f us;"
                + " controller (delta in to last map write) p50 %.1f us, p99 %.1f us; map writes p50 %.1f us, p99 %.1f us%n",
                n, p50, p99, c50, c99, w50, w99);
    }

    /**
     * The same endpoint changes handed to {@link LbController#update} directly and back to back (no idle time in
     * between, no thread hand-off): the control plane's own cost from receiving a change to its last map write. On
     * this VM an idle millisecond between changes alone raises the tail (cold caches, CPU idle states), which the
     * paced measurement above includes.
     */
    void backToBackUpdates(LbController controller, ClusterSnapshot base) {
        int n = Integer.getInteger("updates", 2000), warm = 500;
        double[] us = new double[n];
        Map<String, EndpointSlice> slices = new TreeMap<>();
        for (EndpointSlice s : base.slices().values()) slices.put(s.key(), s);
        for (int k = 0; k < n + warm; k++) {
            ServiceName name = new ServiceName("bench", "svc-" + (5000 + k % 5000));
            Service svc = base.services().get(name);
            List<Endpoint> eps = new ArrayList<>(slices.get(name.namespace() + "/" + name.name() + "-s1").endpoints());
            eps.set(k % LbBench.BACKENDS, Endpoint.ready(InetAddress.ofLiteral(LbBench.intIp(0x0af60000 + k)), "bench-node"));
            EndpointSlice changed = LbBench.slice(name, eps);
            slices.put(changed.key(), changed);
            var delta = new dev.ebpf4j.k8s.source.ClusterDelta(k, false,
                    List.of(new dev.ebpf4j.k8s.source.ClusterDelta.ServiceChange(name, java.util.Optional.of(svc), List.of(changed))));
            long t0 = System.nanoTime();
            controller.update(delta);
            if (k >= warm) us[k - warm] = (System.nanoTime() - t0) / 1e3;
        }
        double p50 = BenchSupport.median(us), p99 = BenchSupport.percentile(us, 0.99);
        bench.out.row("one-endpoint-update-back-to-back-10000", "latency_p50", p50, "us");
        bench.out.row("one-endpoint-update-back-to-back-10000", "latency_p99", p99, "us");
        bench.connectResults.put("one-endpoint-update-back-to-back", new double[] {p50, p99});
        System.out.printf("one endpoint update at 10,000 Services, back to back through LbController.update: p50 %.1f us, p99 %.1f us%n", p50, p99);
    }

    /**
     * Full sync from Java (LbController: desired state, plan, batched map writes) into a freshly loaded datapath,
     * alternating with the C batched fill of fresh maps of the same definitions (allocated on demand, see
     * {@link LbConfig}); the C fill of preallocated maps is shown for context: it is what the kernel's element
     * allocation costs.
     */
    void syncCosts() {
        int rounds = Integer.getInteger("syncRounds", 7);
        ClusterSnapshot big = bench.snapshot(10_000, 3, -1, 1), seed = bench.snapshot(2000, 5, -1, 1);
        // A control plane is a long-running process: time it after the JIT has compiled the sync path.
        for (int w = 0; w < 3; w++) javaSync(big);
        double[] java = new double[rounds], c = new double[rounds], js = new double[rounds], cs = new double[rounds];
        double[] jw = new double[rounds], jsw = new double[rounds], pre = new double[rounds], preSeed = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double[] b = javaSync(big);
            java[r] = b[0];
            jw[r] = b[1];
            c[r] = fill("10000", "3");
            double[] sd = javaSync(seed);
            js[r] = sd[0];
            jsw[r] = sd[1];
            cs[r] = fill("2000", "5");
            pre[r] = fill("10000", "3", "prealloc");
            preSeed[r] = fill("2000", "5", "prealloc");
        }
        double[] m = {BenchSupport.median(java), BenchSupport.median(c), BenchSupport.median(js), BenchSupport.median(cs),
                BenchSupport.median(jw), BenchSupport.median(jsw)};
        bench.out.row("java-full-sync-map-writes-10000x3", "sync", m[4], "ms");
        bench.out.row("java-full-sync-map-writes-2000x5", "sync", m[5], "ms");
        bench.out.row("java-full-sync-10000x3", "sync", m[0], "ms");
        bench.out.row("c-batched-fill-10000x3", "sync", m[1], "ms");
        bench.out.row("java-full-sync-2000x5", "sync", m[2], "ms");
        bench.out.row("c-batched-fill-2000x5", "sync", m[3], "ms");
        bench.out.row("c-batched-fill-10000x3-preallocated-maps", "sync", BenchSupport.median(pre), "ms");
        bench.out.row("c-batched-fill-2000x5-preallocated-maps", "sync", BenchSupport.median(preSeed), "ms");
        bench.connectResults.put("sync", m);
        System.out.printf("full sync 10000x3: Java %.2f ms (map writes %.2f ms), C %.2f ms; 2000x5: Java %.2f ms (map writes %.2f ms), C %.2f ms%n",
                m[0], m[4], m[1], m[2], m[5], m[3]);
        System.out.printf("context: C fill of preallocated maps (not used by the LB: recycled elements could misroute) 10000x3 %.2f ms, 2000x5 %.2f ms%n",
                BenchSupport.median(pre), BenchSupport.median(preSeed));
    }

    /** Milliseconds of one batched C fill of fresh maps. */
    private static double fill(String... args) {
        List<String> cmd = new ArrayList<>(List.of(BenchSupport.tool("lb_fill"), args[0], args[1], "1"));
        cmd.addAll(List.of(args).subList(2, args.length));
        return Double.parseDouble(BenchSupport.run(cmd).trim());
    }

    /** {total ms, of which map writes ms} of one full sync into a freshly loaded datapath. */
    static double[] javaSync(ClusterSnapshot snapshot) {
        try (LoadBalancer lb = LoadBalancer.load(LbBench.CONFIG); TimedDatapath timed = new TimedDatapath(lb)) {
            LbController controller = new LbController(LbBench.CONFIG, timed);
            long t0 = System.nanoTime();
            LbController.SyncResult r = controller.sync(snapshot);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (r.plan().operations() < snapshot.services().size()) throw new IllegalStateException("short plan: " + r.plan().operations());
            return new double[] {ms, timed.nanos / 1e6};
        }
    }

    /** The kernel datapath over a load balancer's maps, timing its map writes (plan application). */
    static final class TimedDatapath implements LbDatapath {
        private final KernelLbDatapath kernel;
        long nanos;
        volatile long lastNanos, lastEnd, applies;

        TimedDatapath(LoadBalancer lb) {
            kernel = KernelLbDatapath.of(lb.object());
        }

        @Override
        public void apply(UpdatePlan plan) {
            long t0 = System.nanoTime();
            kernel.apply(plan);
            long t1 = System.nanoTime();
            nanos += t1 - t0;
            lastNanos = t1 - t0;
            lastEnd = t1;
            applies++;
        }

        @Override
        public void close() {
            kernel.close();
        }
    }
}
