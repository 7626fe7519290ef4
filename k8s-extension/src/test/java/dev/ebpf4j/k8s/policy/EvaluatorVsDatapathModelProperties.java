package dev.ebpf4j.k8s.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.Pod;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Differential test: for random clusters, the evaluator and the datapath simulation over the compiled map entries
 * agree on every probe (all pod pairs, pods with outside and node addresses, several ports, all protocols).
 */
public class EvaluatorVsDatapathModelProperties {

    private static final AtomicLong CLUSTERS = new AtomicLong();
    private static final AtomicLong PROBES = new AtomicLong();
    private static final AtomicLong DENIED = new AtomicLong();

    @Provide
    Arbitrary<ClusterState> clusters() {
        return RandomClusters.clusters();
    }

    @Property(tries = 1000, seed = "20261126")
    void datapathModelAgreesWithEvaluator(@ForAll("clusters") ClusterState state) {
        PolicyCompiler compiler = new PolicyCompiler();
        List<CompiledPolicy> compiled = new ArrayList<>();
        for (String node : state.nodeAddresses().keySet()) {
            compiled.add(compiler.compile(state, node));
        }
        PolicyDatapathModel model = new PolicyDatapathModel(compiled);
        PolicyEvaluator evaluator = new PolicyEvaluator(state);
        for (Probe probe : probes(state)) {
            Verdict expected = evaluator.evaluate(probe);
            PolicyDatapathModel.Decision actual = model.decide(probe);
            PROBES.incrementAndGet();
            if (!expected.allowed()) {
                DENIED.incrementAndGet();
            }
            assertEquals(expected.allowed(), actual.allowed(), () -> probe + ": evaluator " + expected
                    + ", datapath model " + actual + "\nstate: " + state);
            if (!expected.allowed()) {
                DropReason reason = expected.egress().allowed() ? DropReason.POLICY_INGRESS : DropReason.POLICY_EGRESS;
                assertEquals(reason, actual.reason(), () -> probe + ": drop reason\nstate: " + state);
            }
        }
        CLUSTERS.incrementAndGet();
    }

    /**
     * @param state a cluster
     * @return the probes checked for it
     */
    public static List<Probe> probes(ClusterState state) {
        List<InetAddress> ends = new ArrayList<>();
        for (Pod p : state.pods()) {
            ends.addAll(p.ips());
        }
        List<InetAddress> outside = RandomClusters.OUTSIDE.stream().map(Cidr::address).toList();
        List<Probe> probes = new ArrayList<>();
        for (int port : RandomClusters.PROBE_PORTS) {
            for (L4Protocol proto : L4Protocol.values()) {
                for (InetAddress a : ends) {
                    for (InetAddress b : ends) {
                        if (!a.equals(b) && sameFamily(a, b)) {
                            probes.add(new Probe(a, b, port, proto));
                        }
                    }
                    for (InetAddress o : outside) {
                        if (!sameFamily(a, o)) {
                            continue;
                        }
                        probes.add(new Probe(a, o, port, proto));
                        probes.add(new Probe(o, a, port, proto));
                    }
                }
            }
        }
        return probes;
    }

    private static boolean sameFamily(InetAddress a, InetAddress b) {
        return a.getAddress().length == b.getAddress().length;
    }

    @AfterContainer
    static void report() {
        System.out.printf("differential evaluator vs datapath model: %d clusters, %d probes (%d denied), 0 disagreements%n",
                CLUSTERS.get(), PROBES.get(), DENIED.get());
    }
}
