package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/** The policy manifest source: what it reads, what it leaves out, and how it follows edits. */
class PolicyManifestSourceTest {

    private static final String MIXED = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {team: shop}}
            ---
            # a Service in the same directory is the load balancer's, ignored here
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {clusterIP: 10.96.0.10, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop, labels: {app: web}}
                spec: {nodeName: node-1, containers: [{name: c, image: x, ports: [{name: http, containerPort: 80}]}]}
                status: {phase: Running, podIP: 10.0.2.1, podIPs: [{ip: 10.0.2.1}]}
              - apiVersion: v1
                kind: Pod
                metadata: {name: agent, namespace: shop}
                spec: {nodeName: node-1, hostNetwork: true, containers: [{name: c, image: x}]}
                status: {phase: Running, podIP: 192.0.2.10}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: default-deny, namespace: shop}
            spec: {podSelector: {}, policyTypes: [Ingress]}
            """;

    @Test
    void readsNamespacesPodsAndPoliciesAndFollowsEdits(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("shop.yaml"), MIXED);
        List<PolicySnapshot> seen = new CopyOnWriteArrayList<>();
        try (PolicyManifestSource source = new PolicyManifestSource(dir)) {
            source.addListener(seen::add);
            source.start(Duration.ofSeconds(5));
            var state = source.snapshot().state();
            assertEquals(List.of(Namespace.of("shop", Map.of("team", "shop"))), state.namespaces(),
                    "the name label is added as the API server would");
            assertEquals(List.of("shop/web"), state.pods().stream().map(Pod::key).toList(), "host-network pods are left out");
            assertEquals("node-1", state.pods().getFirst().node());
            assertEquals(List.of("shop/default-deny"), state.policies().stream().map(p -> p.key()).toList());
            assertTrue(state.nodeAddresses().isEmpty());
            long first = source.snapshot().generation();

            Files.writeString(dir.resolve("broken.yaml"), "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nspec: [\n");
            Files.writeString(dir.resolve("allow.yaml"), """
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: allow-web, namespace: shop}
                    spec:
                      podSelector: {matchLabels: {app: web}}
                      ingress: [{from: [{namespaceSelector: {}}], ports: [{port: http}]}]
                    """);
            await(() -> source.snapshot().state().policies().size() == 2, "the new policy");
            assertTrue(source.snapshot().generation() > first);
            await(() -> !seen.isEmpty() && seen.getLast().state().policies().size() == 2, "a notification of it");

            Files.delete(dir.resolve("shop.yaml"));
            await(() -> source.snapshot().state().pods().isEmpty(), "the deleted file's objects gone");
            assertEquals(List.of("shop/allow-web"), source.snapshot().state().policies().stream().map(p -> p.key()).toList(),
                    "the unparsable file contributes nothing and stops nothing");
            assertThrows(IllegalStateException.class, () -> source.start(Duration.ofSeconds(1)));
            source.close();
            source.close();
        }
        assertThrows(IllegalArgumentException.class, () -> new PolicyManifestSource(dir.resolve("missing")));
    }

    @Test
    void aFileCaughtHalfWrittenKeepsItsLastGoodVersion(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("shop.yaml");
        Files.writeString(f, MIXED);
        try (PolicyManifestSource source = new PolicyManifestSource(dir)) {
            source.start(Duration.ofSeconds(5));
            Files.writeString(f, MIXED.substring(0, MIXED.indexOf("kind: List") + 12) + "items: [\n");
            source.rescan();
            assertEquals(1, source.snapshot().state().policies().size(), "last good version kept");
            assertEquals(1, source.snapshot().state().pods().size());
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }
}
