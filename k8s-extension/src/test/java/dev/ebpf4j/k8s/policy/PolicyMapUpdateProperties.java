package dev.ebpf4j.k8s.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Updates: going from a random cluster A to B (other policies, pods relabelled) op by op through
 * {@link PolicyMapUpdate}, every intermediate state of the simulated maps allows every probe that both A and B
 * allow, and the final state answers exactly like the evaluator on B.
 */
class PolicyMapUpdateProperties {

    private static final AtomicLong CHECKS = new AtomicLong();
    private static final AtomicLong OPS = new AtomicLong();

    /** A and B share namespaces and pods (same addresses and nodes); B has other labels and policies. */
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
            List<dev.ebpf4j.k8s.model.NetworkPolicy> policies = b.policies().stream()
                    .filter(p -> a.namespaces().stream().anyMatch(n -> n.name().equals(p.namespace()))).toList();
            return new Transition(a, new ClusterState(a.namespaces(), pods, policies, a.nodeAddresses()));
        });
    }

    @Property(tries = 300, seed = "42")
    void noTransientDenialAndFinalStateExact(@ForAll("transitions") Transition t) {
        PolicyCompiler compiler = new PolicyCompiler();
        List<InMemoryPolicyMaps> maps = new ArrayList<>();
        List<List<PolicyMapUpdate.Op>> plans = new ArrayList<>();
        for (String node : t.from().nodeAddresses().keySet()) {
            CompiledPolicy before = compiler.compile(t.from(), node);
            maps.add(InMemoryPolicyMaps.of(before));
            plans.add(PolicyMapUpdate.plan(before, compiler.compile(t.to(), node)));
        }
        PolicyDatapathModel model = PolicyDatapathModel.over(maps);
        PolicyEvaluator a = new PolicyEvaluator(t.from());
        PolicyEvaluator b = new PolicyEvaluator(t.to());
        List<Probe> probes = EvaluatorVsDatapathModelProperties.probes(t.to());
        List<Probe> allowedInBoth = probes.stream()
                .filter(p -> a.evaluate(p).allowed() && b.evaluate(p).allowed()).toList();
        for (int n = 0; n < maps.size(); n++) {
            for (PolicyMapUpdate.Op op : plans.get(n)) {
                op.applyTo(maps.get(n));
                OPS.incrementAndGet();
                for (Probe p : allowedInBoth) {
                    CHECKS.incrementAndGet();
                    assertTrue(model.decide(p).allowed(), () -> "transiently denied after " + op + ": " + p);
                }
            }
        }
        for (Probe p : probes) {
            assertEquals(b.evaluate(p).allowed(), model.decide(p).allowed(), () -> "final state differs: " + p);
        }
    }

    @AfterContainer
    static void report() {
        System.out.printf("policy updates: %d map writes, %d intermediate probe checks%n", OPS.get(), CHECKS.get());
    }
}
