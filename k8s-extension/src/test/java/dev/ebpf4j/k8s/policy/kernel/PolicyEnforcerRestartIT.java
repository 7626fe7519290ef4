package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyConverter;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.PolicyEnforcer;
import dev.ebpf4j.k8s.policy.PolicyEnforcerConfig;
import dev.ebpf4j.k8s.source.PolicyScenario;
import dev.ebpf4j.k8s.source.PolicyScenario.Expect;
import dev.ebpf4j.k8s.source.PolicySnapshot;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A pinned policy datapath outlives its enforcer and is re-adopted: the maps under {@code policy-v1/maps/} are reused
 * (revisions continue above the old one, entries the new state lacks are swept), the links under
 * {@code policy-v1/links/} are switched to the new programs, links of pods that left are unpinned, and removing the
 * pins detaches. Real traffic between the scenario's pods checks each stage.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PolicyEnforcerRestartIT {
    @TempDir
    static Path tempDir;
    static ScenarioPods pods;
    static Path pinDir;

    @BeforeAll
    static void setUp() throws Exception {
        pods = new ScenarioPods(Files.createDirectories(tempDir.resolve("py")));
        pinDir = Path.of("/sys/fs/bpf", "e4j-policy-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000)));
    }

    @AfterAll
    static void tearDown() throws IOException {
        try {
            removePins();
            if (pods != null) pods.close();
        } finally {
            assertTrue(Topology.leftoverNamespaces(ScenarioPods.PREFIX).isEmpty(), "namespaces left behind");
        }
    }

    private static void removePins() throws IOException {
        if (pinDir == null || !Files.exists(pinDir)) return;
        try (Stream<Path> s = Files.walk(pinDir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static PolicySnapshot state(long generation, List<String> podKeys, List<NetworkPolicy> policies) {
        List<Namespace> ns = List.of(Namespace.of("shop", Map.of("team", "shop")), Namespace.of("other", Map.of("team", "other")));
        Map<String, String> apps = Map.of("shop/web", "web", "shop/db", "db", "other/client", "client");
        List<Pod> ps = podKeys.stream().map(k -> NetworkPolicyConverter.pod(PolicyScenario.pod(k, apps.get(k)))).toList();
        return new PolicySnapshot(new ClusterState(ns, ps, policies, Map.of()), generation);
    }

    private static void expect(String when, Expect... expects) {
        boolean[] measured = pods.probe(List.of(expects));
        for (int i = 0; i < expects.length; i++) {
            assertEquals(expects[i].allowed(), measured[i], when + ": " + expects[i]);
        }
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void pinnedDatapathSurvivesTheEnforcerAndIsReadopted() throws Exception {
        NetworkPolicy deny = NetworkPolicyConverter.networkPolicy(PolicyScenario.defaultDeny());
        NetworkPolicy dbFromWeb = NetworkPolicyConverter.networkPolicy(PolicyScenario.dbFromWeb(false));
        PolicyEnforcerConfig config = PolicyEnforcerConfig.forNode(PolicyScenario.NODE).withPinDirectory(pinDir)
                .withNetworkNamespace(pods.node().path());

        try (PolicyEnforcer first = PolicyEnforcer.start(config)) {
            assertEquals(List.of(), first.report().adoptedMaps());
            PolicyEnforcer.Sync s = first.sync(state(1, PolicyScenario.POD_KEYS, List.of(deny)));
            assertEquals(1, s.revision());
            assertEquals(6, s.linksCreated());
        }
        assertEquals(Set.of("policy_endpoints", "policy_ipcache", "policy_rules", "policy_conntrack", "policy_config",
                "policy_counters", "policy_flows", "policy_flows_lost", "policy_fragments"), names(pinDir.resolve("policy-v1/maps")));
        assertEquals(Set.of("tcx-pe-web-ingress", "tcx-pe-web-egress", "tcx-pe-db-ingress", "tcx-pe-db-egress",
                "tcx-pe-client-ingress", "tcx-pe-client-egress"), names(pinDir.resolve("policy-v1/links")));
        expect("enforcer closed, pins kept", new Expect("other/client", "shop/web", 80, "TCP", false),
                new Expect("shop/web", "shop/db", 80, "TCP", false), new Expect(null, "shop/web", 80, "TCP", true));

        // While no enforcer runs, the client pod leaves and the policies change.
        try (PolicyEnforcer second = PolicyEnforcer.start(config)) {
            assertEquals(9, second.report().adoptedMaps().size(), "every map re-adopted: " + second.report());
            assertEquals(1, second.report().adoptedRevision());
            PolicyEnforcer.Sync s = second.sync(state(2, List.of("shop/web", "shop/db"), List.of(dbFromWeb)));
            assertEquals(2, s.revision(), "revisions continue above the adopted one");
            assertTrue(s.swept() > 0, "entries of the departed pod and dropped rules are swept: " + s);
            assertEquals(4, s.linksAdopted(), "web's and db's links switched to the new programs: " + s);
            assertEquals(0, s.linksCreated(), s.toString());
            assertEquals(Map.of("shop/web", "pe-web", "shop/db", "pe-db"), s.interfaces());
            assertEquals(Set.of("tcx-pe-web-ingress", "tcx-pe-web-egress", "tcx-pe-db-ingress", "tcx-pe-db-egress"),
                    names(pinDir.resolve("policy-v1/links")), "the departed pod's links are unpinned");
            expect("re-adopted with the new state", new Expect("other/client", "shop/web", 80, "TCP", true),
                    new Expect("other/client", "shop/db", 80, "TCP", false), new Expect("shop/web", "shop/db", 80, "TCP", true),
                    new Expect("shop/web", "shop/db", 81, "TCP", false));
        }
        expect("second enforcer closed", new Expect("other/client", "shop/db", 80, "TCP", false));
        removePins();
        expect("pins removed: detached", new Expect("other/client", "shop/db", 80, "TCP", true),
                new Expect("shop/web", "shop/db", 81, "TCP", true));
    }
}
