package dev.ebpf4j.k8s.policy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.CompiledPolicy;
import dev.ebpf4j.k8s.policy.EvaluatorVsDatapathModelProperties;
import dev.ebpf4j.k8s.policy.PolicyCompiler;
import dev.ebpf4j.k8s.policy.PolicyEvaluator;
import dev.ebpf4j.k8s.policy.Probe;
import dev.ebpf4j.k8s.policy.RandomClusters;
import dev.ebpf4j.k8s.policy.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Differential test against the kernel: random clusters compiled into the real policy maps of two loaded objects
 * (one per node), every probe's first packet run through both programs of both nodes with BPF_PROG_TEST_RUN, and
 * compared with the evaluator. Conntrack is emptied between clusters.
 */
@Tag("kernel")
class KernelDifferentialProperties {

    private static KernelPolicyDatapath datapath;
    private static Path tempDir;
    private static final AtomicLong CLUSTERS = new AtomicLong();
    private static final AtomicLong PROBES = new AtomicLong();
    private static final AtomicLong DENIED = new AtomicLong();

    private static synchronized KernelPolicyDatapath datapath() {
        if (datapath == null) {
            try {
                tempDir = Files.createTempDirectory("e4j-policy-kdiff");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            datapath = new KernelPolicyDatapath(tempDir, new ArrayList<>(RandomClusters.NODES.keySet()));
        }
        return datapath;
    }

    @Provide
    Arbitrary<ClusterState> clusters() {
        return RandomClusters.clusters();
    }

    @Property(tries = 1000, seed = "6")
    void kernelAgreesWithEvaluator(@ForAll("clusters") ClusterState state) {
        KernelPolicyDatapath dp = datapath();
        PolicyCompiler compiler = new PolicyCompiler();
        List<CompiledPolicy> compiled = new ArrayList<>();
        for (String node : dp.nodeNames()) {
            compiled.add(compiler.compile(state, node));
        }
        dp.load(compiled);
        PolicyEvaluator evaluator = new PolicyEvaluator(state);
        for (Probe probe : EvaluatorVsDatapathModelProperties.probes(state)) {
            Verdict expected = evaluator.evaluate(probe);
            boolean actual = dp.allowed(probe);
            PROBES.incrementAndGet();
            if (!expected.allowed()) {
                DENIED.incrementAndGet();
            }
            assertEquals(expected.allowed(), actual, () -> probe + ": evaluator " + expected + ", kernel "
                    + (actual ? "ALLOW" : "DROP") + "\nstate: " + state);
        }
        CLUSTERS.incrementAndGet();
    }

    @AfterContainer
    static void closeAndReport() throws IOException {
        System.out.printf("differential evaluator vs kernel (BPF_PROG_TEST_RUN): %d clusters, %d probes (%d denied)%n",
                CLUSTERS.get(), PROBES.get(), DENIED.get());
        if (datapath != null) {
            datapath.close();
            datapath = null;
            try (var files = Files.walk(tempDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
