package dev.ebpf4j.k8s.policy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.CompiledPolicy;
import dev.ebpf4j.k8s.policy.EvaluatorVsDatapathModelProperties;
import dev.ebpf4j.k8s.policy.PolicyCompiler;
import dev.ebpf4j.k8s.policy.PolicyEvaluator;
import dev.ebpf4j.k8s.policy.PolicyMapUpdate;
import dev.ebpf4j.k8s.policy.Probe;
import dev.ebpf4j.k8s.policy.RandomClusters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Policy updates on the real maps: connections established under A; the transition to B written op by op with
 * {@link PolicyMapUpdate} while new connections allowed by both A and B are opened after every write (none may be
 * dropped); then the revision is bumped and every established connection's next packet passes exactly when B
 * allows it (a newly denied flow is denied as soon as the update returned).
 */
@Tag("kernel")
class KernelPolicyUpdateProperties {

    private static KernelPolicyDatapath datapath;
    private static Path tempDir;
    private static final AtomicLong WRITES = new AtomicLong();
    private static final AtomicLong ESTABLISHED = new AtomicLong();
    private static final AtomicLong CUT = new AtomicLong();

    private static synchronized KernelPolicyDatapath datapath() {
        if (datapath == null) {
            try {
                tempDir = Files.createTempDirectory("e4j-policy-kupd");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            datapath = new KernelPolicyDatapath(tempDir, new ArrayList<>(RandomClusters.NODES.keySet()));
        }
        return datapath;
    }

    record Transition(ClusterState from, ClusterState to) {
    }

    @Provide
    Arbitrary<Transition> transitions() {
        return Combinators.combine(RandomClusters.clusters(), RandomClusters.clusters()).as((a, b) -> {
            List<Pod> pods = new ArrayList<>();
            for (int i = 0; i < a.pods().size(); i++) {
                Pod p = a.pods().get(i);
                pods.add(i < b.pods().size() && i % 2 == 0 ? p.withLabels(b.pods().get(i).labels()) : p);
            }
            var policies = b.policies().stream()
                    .filter(p -> a.namespaces().stream().anyMatch(n -> n.name().equals(p.namespace()))).toList();
            return new Transition(a, new ClusterState(a.namespaces(), pods, policies, a.nodeAddresses()));
        });
    }

    @Property(tries = 150, seed = "7")
    void updatesKeepAllowedFlowsAndCutDeniedOnes(@ForAll("transitions") Transition t) {
        KernelPolicyDatapath dp = datapath();
        PolicyCompiler compiler = new PolicyCompiler();
        List<CompiledPolicy> before = new ArrayList<>();
        List<List<PolicyMapUpdate.Op>> plans = new ArrayList<>();
        for (String node : dp.nodeNames()) {
            CompiledPolicy c = compiler.compile(t.from(), node);
            before.add(c);
            plans.add(PolicyMapUpdate.plan(c, compiler.compile(t.to(), node)));
        }
        dp.load(before);
        dp.revision(1);
        PolicyEvaluator a = new PolicyEvaluator(t.from());
        PolicyEvaluator b = new PolicyEvaluator(t.to());
        List<Probe> probes = EvaluatorVsDatapathModelProperties.probes(t.from()).stream()
                .filter(p -> p.port() == 80 || p.port() == 53).toList();
        List<Probe> established = probes.stream().filter(p -> a.evaluate(p).allowed()).toList();
        for (int i = 0; i < established.size(); i++) {
            Probe p = established.get(i);
            assertTrue(dp.send(p.source(), p.destination(), 20000 + i, p.port(), p), () -> "establishing " + p);
        }
        List<Probe> both = established.stream().filter(p -> b.evaluate(p).allowed()).limit(40).toList();
        List<String> nodes = dp.nodeNames();
        for (int n = 0; n < nodes.size(); n++) {
            var writer = dp.writer(nodes.get(n));
            for (PolicyMapUpdate.Op op : plans.get(n)) {
                op.applyTo(writer);
                WRITES.incrementAndGet();
                for (Probe p : both) {
                    assertTrue(dp.allowed(p), () -> "new connection dropped after " + op + ": " + p);
                }
            }
        }
        nodes.forEach(node -> dp.writer(node).revision(2));
        for (int i = 0; i < established.size(); i++) {
            Probe p = established.get(i);
            boolean expected = b.evaluate(p).allowed();
            ESTABLISHED.incrementAndGet();
            if (!expected) {
                CUT.incrementAndGet();
            }
            assertEquals(expected, dp.send(p.source(), p.destination(), 20000 + i, p.port(), p),
                    () -> "established " + p + " after the update; B says " + b.evaluate(p));
        }
    }

    @AfterContainer
    static void closeAndReport() throws IOException {
        System.out.printf("kernel policy updates: %d map writes, %d established connections re-checked, %d cut%n",
                WRITES.get(), ESTABLISHED.get(), CUT.get());
        if (datapath != null) {
            datapath.close();
            datapath = null;
            try (var files = Files.walk(tempDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
