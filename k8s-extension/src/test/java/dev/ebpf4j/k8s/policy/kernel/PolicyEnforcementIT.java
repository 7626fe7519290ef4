package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.PolicyEnforcer;
import dev.ebpf4j.k8s.policy.PolicyEnforcerConfig;
import dev.ebpf4j.k8s.policy.PolicyEvaluator;
import dev.ebpf4j.k8s.policy.Probe;
import dev.ebpf4j.k8s.source.PolicyManifestSource;
import dev.ebpf4j.k8s.source.PolicyScenario;
import dev.ebpf4j.k8s.source.PolicyScenario.Expect;
import dev.ebpf4j.k8s.source.PolicySource;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end on the real kernel: a manifest directory source ({@link PolicyEnforcementApiIT}: the mock API server)
 * followed by a {@link PolicyEnforcer} working inside a test "node" namespace, which finds the pods' veths through
 * the node's host routes and attaches the policy programs with tcx. After every change of
 * {@link PolicyScenario#steps()} (default-deny, an allow policy, its modification, a namespace and a pod relabelled,
 * deletions) real TCP connects and UDP echoes between the pods and from the node are exactly what
 * {@link PolicyEvaluator} says, and the step's expected verdicts flip for new connections.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PolicyEnforcementIT {
    @TempDir
    static Path tempDir;
    static ScenarioPods pods;


    @BeforeAll
    static void setUp() throws Exception {
        pods = new ScenarioPods(Files.createDirectories(tempDir.resolve("py")));
    }

    @AfterAll
    static void tearDown() {
        try {
            if (pods != null) pods.close();
            pods = null;
        } finally {
            assertTrue(Topology.leftoverNamespaces(ScenarioPods.PREFIX).isEmpty(),
                    "namespaces left behind: " + Topology.leftoverNamespaces(ScenarioPods.PREFIX));
        }
    }

    @Test
    void manifestDirectoryDrivesRealTraffic() throws Exception {
        Path dir = Files.createDirectories(tempDir.resolve("manifests"));
        PolicyScenario.Cluster cluster = PolicyScenario.manifests(dir);
        PolicyScenario.populate(cluster);
        try (PolicyManifestSource source = new PolicyManifestSource(dir)) {
            run(source, cluster);
        }
    }

    static void run(PolicySource source, PolicyScenario.Cluster cluster) throws Exception {
        // region enforcer
        PolicyEnforcerConfig config = PolicyEnforcerConfig.forNode(PolicyScenario.NODE)   // pods with spec.nodeName node-1
                .withNetworkNamespace(pods.node().path());                                // the test's "node"
        try (PolicyEnforcer enforcer = PolicyEnforcer.start(config)) {
            enforcer.follow(source);               // every coalesced snapshot: maps, then tcx on new pods' veths
            source.start(Duration.ofSeconds(20));  // the informers' first list, or the first directory scan
            // endregion
            for (PolicyScenario.Step step : PolicyScenario.steps()) {
                step.change().accept(cluster);
                await(() -> step.seen().test(source.snapshot().state()), step.name());
                assertTrue(enforcer.awaitSynced(source, Duration.ofSeconds(20)), step.name() + ": enforcer synced");
                PolicyEnforcer.Sync sync = enforcer.lastSync();
                Map<String, String> expectedInterfaces = Map.of("shop/web", "pe-web", "shop/db", "pe-db", "other/client", "pe-client");
                assertEquals(expectedInterfaces, sync.interfaces(), step.name() + ": pods found on their veths by host route");
                checkTraffic(step, source.snapshot().state());
            }
        }
    }

    /** Every pod pair on TCP 80, 81 and UDP 80 plus node-to-pod, measured against the evaluator, then the step's expectations. */
    private static void checkTraffic(PolicyScenario.Step step, ClusterState sourceState) {
        ClusterState state = new ClusterState(sourceState.namespaces(), sourceState.pods(), sourceState.policies(),
                Map.of(PolicyScenario.NODE, List.of(InetAddress.ofLiteral(ScenarioPods.NODE_ADDRESS))));
        PolicyEvaluator evaluator = new PolicyEvaluator(state);
        List<Expect> probes = new ArrayList<>();
        for (String from : PolicyScenario.POD_KEYS) {
            for (String to : PolicyScenario.POD_KEYS) {
                if (from.equals(to)) continue;
                for (String proto : List.of("TCP/80", "TCP/81", "UDP/80")) {
                    String[] pp = proto.split("/");
                    int port = Integer.parseInt(pp[1]);
                    probes.add(new Expect(from, to, port, pp[0], evaluator.evaluate(probe(from, to, port, pp[0])).allowed()));
                }
            }
        }
        for (String to : PolicyScenario.POD_KEYS) {
            Probe p = new Probe(InetAddress.ofLiteral(ScenarioPods.NODE_ADDRESS), InetAddress.ofLiteral(PolicyScenario.PODS.get(to)),
                    80, L4Protocol.TCP);
            assertTrue(evaluator.evaluate(p).allowed(), "the node reaches its pods");
            probes.add(new Expect(null, to, 80, "TCP", true));
        }
        probes.addAll(step.expects());
        boolean[] measured = pods.probe(probes);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            if (measured[i] != probes.get(i).allowed()) wrong.add(probes.get(i) + " but measured " + (measured[i] ? "allowed" : "denied"));
        }
        assertEquals(List.of(), wrong, step.name() + ": real traffic differs from the evaluator / expectation");
        System.out.printf("policy e2e: %-45s %d probes as expected%n", step.name(), probes.size());
    }

    static Probe probe(String from, String to, int port, String protocol) {
        return new Probe(InetAddress.ofLiteral(PolicyScenario.PODS.get(from)), InetAddress.ofLiteral(PolicyScenario.PODS.get(to)),
                port, L4Protocol.parse(protocol));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }
}
