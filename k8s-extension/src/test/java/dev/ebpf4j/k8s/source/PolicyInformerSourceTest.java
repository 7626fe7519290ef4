package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.InMemoryPolicyMaps;
import dev.ebpf4j.k8s.policy.NodePolicyUpdater;
import dev.ebpf4j.k8s.policy.PolicyDatapathModel;
import dev.ebpf4j.k8s.policy.PolicyEvaluator;
import dev.ebpf4j.k8s.policy.Probe;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Drives the policy informer source through fabric8's mock API server in CRUD mode into a {@link NodePolicyUpdater}
 * over the labelled in-memory maps: after every change of {@link PolicyScenario#steps()} the datapath model over the
 * written maps decides every pod pair like {@link PolicyEvaluator}, and the step's expected verdicts hold.
 */
@EnableKubernetesMockClient(crud = true)
class PolicyInformerSourceTest {
    static KubernetesClient client;

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(2);
        }
    }

    /** Every pod pair on TCP 80, 81 and UDP 80, model against evaluator; returns how many probes were compared. */
    static int compare(ClusterState state, InMemoryPolicyMaps maps) {
        PolicyEvaluator evaluator = new PolicyEvaluator(state);
        PolicyDatapathModel model = PolicyDatapathModel.over(List.of(maps));
        int n = 0;
        for (String from : PolicyScenario.POD_KEYS) {
            for (String to : PolicyScenario.POD_KEYS) {
                if (from.equals(to)) continue;
                for (Probe p : List.of(probe(from, to, 80, L4Protocol.TCP), probe(from, to, 81, L4Protocol.TCP),
                        probe(from, to, 80, L4Protocol.UDP))) {
                    assertEquals(evaluator.evaluate(p).allowed(), model.decide(p).allowed(), "maps vs evaluator: " + p);
                    n++;
                }
            }
        }
        return n;
    }

    static Probe probe(String from, String to, int port, L4Protocol protocol) {
        return new Probe(InetAddress.ofLiteral(PolicyScenario.PODS.get(from)), InetAddress.ofLiteral(PolicyScenario.PODS.get(to)),
                port, protocol);
    }

    @Test
    void everyChangeReachesTheMapsAndMatchesTheEvaluator() throws Exception {
        PolicyScenario.Cluster cluster = PolicyScenario.api(client);
        PolicyScenario.populate(cluster);
        InMemoryPolicyMaps maps = new InMemoryPolicyMaps(PolicyScenario.NODE);
        NodePolicyUpdater updater = new NodePolicyUpdater(PolicyScenario.NODE, maps);
        AtomicLong applied = new AtomicLong(-1);
        AtomicInteger notifications = new AtomicInteger();
        try (PolicyInformerSource source = PolicyInformerSource.of(client)) {
            source.addListener(s -> {
                updater.apply(s.state());
                notifications.incrementAndGet();
                applied.set(s.generation());
            });
            source.start(Duration.ofSeconds(20));
            assertEquals(3, source.snapshot().state().pods().size(), "initial list has every pod");
            for (PolicyScenario.Step step : PolicyScenario.steps()) {
                step.change().accept(cluster);
                await(() -> step.seen().test(source.snapshot().state()), step.name());
                long generation = source.snapshot().generation();
                await(() -> applied.get() >= generation, step.name() + " applied");
                ClusterState state = source.snapshot().state();
                assertEquals(18, compare(state, maps), step.name());
                PolicyEvaluator evaluator = new PolicyEvaluator(state);
                for (PolicyScenario.Expect e : step.expects()) {
                    Probe p = probe(e.from(), e.to(), e.port(), L4Protocol.parse(e.protocol()));
                    assertEquals(e.allowed(), evaluator.evaluate(p).allowed(), step.name() + ": " + e);
                }
            }
            assertTrue(notifications.get() <= source.snapshot().generation(), "notifications are coalesced, never more than changes");
        }
    }

    @Test
    void hostNetworkAndFinishedPodsAreLeftOutAndDeletedPodsVanish() throws Exception {
        PolicyScenario.Cluster cluster = PolicyScenario.api(client);
        String ns = "edge";
        var host = new PodBuilder(PolicyScenario.pod("shop/web", "web")).editMetadata().withNamespace(ns).withName("host").endMetadata()
                .editSpec().withHostNetwork(true).endSpec().build();
        var done = new PodBuilder(PolicyScenario.pod("shop/db", "db")).editMetadata().withNamespace(ns).withName("done").endMetadata()
                .editStatus().withPhase("Succeeded").endStatus().build();
        var live = new PodBuilder(PolicyScenario.pod("other/client", "client")).editMetadata().withNamespace(ns).withName("live").endMetadata().build();
        cluster.put(host);
        cluster.put(done);
        cluster.put(live);
        try (PolicyInformerSource source = PolicyInformerSource.of(client)) {
            List<Long> generations = new ArrayList<>();
            source.addListener(s -> generations.add(s.generation()));
            source.start(Duration.ofSeconds(20));
            List<String> keys = source.snapshot().state().pods().stream().map(p -> p.key()).filter(k -> k.startsWith(ns)).toList();
            assertEquals(List.of("edge/live"), keys);
            cluster.put(new PodBuilder(live).editStatus().withPhase("Failed").endStatus().build());
            await(() -> source.snapshot().state().pods().stream().noneMatch(p -> p.key().equals("edge/live")), "failed pod removed");
            await(() -> !generations.isEmpty(), "a notification");
            assertThrows(IllegalStateException.class, () -> source.start(Duration.ofSeconds(1)), "starting twice");

            // A malformed pod is listed with its reason, the others stay; fixing it clears the entry.
            var bad = new PodBuilder(live).editMetadata().withName("bad").addToLabels("app", "x".repeat(70)).endMetadata()
                    .editStatus().withPhase("Running").endStatus().build();
            cluster.put(bad);
            await(() -> source.rejected().containsKey("Pod edge/bad"), "bad pod listed as rejected");
            assertTrue(source.rejected().get("Pod edge/bad").contains("value of label 'app'"), source.rejected().toString());
            cluster.put(new PodBuilder(bad).editMetadata().addToLabels("app", "fixed").endMetadata().build());
            await(() -> source.snapshot().state().pods().stream().anyMatch(p -> p.key().equals("edge/bad")), "fixed pod enforced");
            assertFalse(source.rejected().containsKey("Pod edge/bad"));
            cluster.delete(bad);
            await(() -> source.snapshot().state().pods().stream().noneMatch(p -> p.key().equals("edge/bad")), "bad pod deleted");
        }
    }
}
