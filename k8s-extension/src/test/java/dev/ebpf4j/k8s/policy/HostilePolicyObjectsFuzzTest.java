package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyConverter;
import dev.ebpf4j.k8s.model.Pod;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Malformed and hostile Pods, NetworkPolicies and Namespaces (bad CIDRs and excepts, ports 0 and 70000, empty and
 * invalid port names, invalid label selectors, unknown operators and protocols, enormous or invalid label keys and
 * values, missing names and specs, a rule with 10,000 ports) mixed with a well-formed x/y/z × a/b/c cluster. Each
 * converts or is refused with an {@link IllegalArgumentException} naming the object, never another exception. The
 * planner ({@link NodePolicyUpdater} per node, writing the labelled in-memory maps whose equivalence to the kernel's
 * the policy kernel tests prove) is fed everything that converted, round after round; its maps must decide every
 * probe as the reference {@link PolicyEvaluator} does, and between the well-formed pods exactly as if the hostile
 * objects did not exist. Hostile pods and policies live in namespace {@code h}, so a policy there can only select
 * pods there: any effect on the x/y/z pods would be a bug.
 */
class HostilePolicyObjectsFuzzTest {
    static final int ROUNDS = Integer.getInteger("fuzz.rounds", 150);
    static final String HUGE = "x".repeat(70_000);
    static final Map<String, List<InetAddress>> NODES = Map.of(
            "n1", List.of(Cidr.address("10.100.0.11")), "n2", List.of(Cidr.address("10.100.0.12")),
            "n3", List.of(Cidr.address("10.100.0.13")));

    static final List<Function<PodBuilder, PodBuilder>> POD_MUTATIONS = List.of(
            b -> b.editMetadata().withName(null).endMetadata(),
            b -> b.editMetadata().withName(HUGE).endMetadata(),
            b -> b.withMetadata(null),
            b -> b.editMetadata().addToLabels("pod", HUGE).endMetadata(),
            b -> b.editMetadata().addToLabels("bad key!", "a").endMetadata(),
            b -> b.editMetadata().addToLabels("UPPER.example/x", "a").endMetadata(),
            b -> b.editMetadata().addToLabels("role", "-leading-dash").endMetadata(),
            b -> b.editStatus().withPodIP("999.1.1.1").withPodIPs().endStatus(),
            b -> b.editStatus().withPodIP(null).addNewPodIP().withIp("fd00::zz").endPodIP().endStatus(),
            b -> b.editStatus().withPodIP("10.244.9.0/24").withPodIPs().endStatus(),
            b -> b.editSpec().editFirstContainer().addNewPort().withContainerPort(0).endPort().endContainer().endSpec(),
            b -> b.editSpec().editFirstContainer().addNewPort().withContainerPort(70000).endPort().endContainer().endSpec(),
            b -> b.editSpec().editFirstContainer().addNewPort().withName("http").endPort().endContainer().endSpec(),
            b -> b.editSpec().editFirstContainer().addNewPort().withContainerPort(80).withProtocol("ICMP").endPort().endContainer().endSpec(),
            b -> b.editSpec().editFirstContainer().addNewPort().withContainerPort(80).withName("Not_Valid").endPort().endContainer().endSpec(),
            b -> b.editSpec().editFirstContainer().addNewPort().withContainerPort(80).withName(HUGE).endPort().endContainer().endSpec(),
            b -> b.editSpec().editFirstContainer().addNewPort().withContainerPort(80).withName("http").endPort()
                    .addNewPort().withContainerPort(81).withName("http").endPort().endContainer().endSpec(),  // duplicate name
            b -> b.editStatus().withPodIP("fd00::9").withPodIPs().endStatus(),  // IPv6 where the others are v4
            b -> b.withSpec(null),
            b -> b.withStatus(null),
            b -> b.editStatus().withPodIP("10.244.0.10").withPodIPs().endStatus(),  // x/a's address
            b -> b.editStatus().withPodIP("10.100.0.11").withPodIPs().endStatus()); // node n1's address

    static final List<Function<NetworkPolicyBuilder, NetworkPolicyBuilder>> POLICY_MUTATIONS = List.of(
            b -> b.editMetadata().withName(null).endMetadata(),
            b -> b.withSpec(null),
            b -> b.editSpec().withPolicyTypes("Sideways").endSpec(),
            b -> b.editSpec().withIngress(ingressFromBlock("10.0.0.0/33")).endSpec(),
            b -> b.editSpec().withIngress(ingressFromBlock("not-a-cidr")).endSpec(),
            b -> b.editSpec().withIngress(ingressFromBlock(null)).endSpec(),
            b -> b.editSpec().withIngress(ingressFromBlock("10.244.0.0/16", "10.245.0.0/24")).endSpec(),
            b -> b.editSpec().withIngress(ingressFromBlock("10.244.0.0/16", "10.244.0.0/16")).endSpec(),
            b -> b.editSpec().withIngress(ingressFromBlock("10.244.0.0/16", "fd00::/64")).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(port(0, null, "TCP"))).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(port(70000, null, "TCP"))).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(new NetworkPolicyPortBuilder().withPort(new IntOrString()).build())).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(new NetworkPolicyPortBuilder().withPort(new IntOrString("")).build())).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(new NetworkPolicyPortBuilder().withPort(new IntOrString(HUGE)).build())).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(new NetworkPolicyPortBuilder().withPort(new IntOrString("HTTP")).build())).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(port(8080, 80, "TCP"))).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(port(80, 70000, "TCP"))).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(new NetworkPolicyPortBuilder().withPort(new IntOrString("http")).withEndPort(90).build())).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(new NetworkPolicyPortBuilder().withEndPort(90).build())).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(port(80, null, "ICMP"))).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(port(80, null, "TCP"), port(80, null, "TCP"))).endSpec(),  // duplicate
            b -> b.editSpec().editPodSelector().addNewMatchExpression().withKey("pod").withOperator("Near").withValues("a").endMatchExpression().endPodSelector().endSpec(),
            b -> b.editSpec().editPodSelector().addNewMatchExpression().withKey("pod").withOperator(null).endMatchExpression().endPodSelector().endSpec(),
            b -> b.editSpec().editPodSelector().addNewMatchExpression().withKey(null).withOperator("Exists").endMatchExpression().endPodSelector().endSpec(),
            b -> b.editSpec().editPodSelector().addNewMatchExpression().withKey("pod").withOperator("In").endMatchExpression().endPodSelector().endSpec(),
            b -> b.editSpec().editPodSelector().addNewMatchExpression().withKey("pod").withOperator("Exists").withValues("a").endMatchExpression().endPodSelector().endSpec(),
            b -> b.editSpec().editPodSelector().addToMatchLabels("pod", HUGE).endPodSelector().endSpec(),
            b -> b.editSpec().editPodSelector().addToMatchLabels("", "a").endPodSelector().endSpec(),
            b -> b.editSpec().withIngress(new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder()
                    .addNewFrom().withNewIpBlock().withCidr("10.0.0.0/8").endIpBlock().withNewPodSelector().endPodSelector().endFrom().build()).endSpec(),
            b -> b.editSpec().withIngress(new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder()
                    .addNewFrom().withNewNamespaceSelector().addNewMatchExpression().withKey("ns").withOperator("NotIn").withValues(HUGE)
                    .endMatchExpression().endNamespaceSelector().endFrom().build()).endSpec(),
            b -> b.editSpec().withIngress(ingressOnPorts(manyPorts(10_000).toArray(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort[]::new))).endSpec());

    static final List<Function<NamespaceBuilder, NamespaceBuilder>> NAMESPACE_MUTATIONS = List.of(
            b -> b.editMetadata().withName(null).endMetadata(),
            b -> b.editMetadata().addToLabels("ns", HUGE).endMetadata(),
            b -> b.editMetadata().addToLabels("ns", "x").endMetadata(),  // claims to be x: only its own (no) pods follow
            b -> b.editMetadata().addToLabels("a b", "c").endMetadata());

    @Test
    void hostilePolicyObjectsAreRefusedClearlyAndNeverChangeWhatTheOthersGet() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random r = new Random(seed);
        List<Namespace> goodNamespaces = new ArrayList<>();
        List<Pod> goodPods = new ArrayList<>();
        for (String ns : List.of("x", "y", "z", "h")) {
            goodNamespaces.add(NetworkPolicyConverter.namespace(namespace(ns).build()));
        }
        int n = 0;
        for (String ns : List.of("x", "y", "z")) {
            for (String name : List.of("a", "b", "c")) {
                goodPods.add(NetworkPolicyConverter.pod(pod(ns, name, "10.244." + (n % 3) + "." + (10 + n), "n" + (n % 3 + 1)).build()));
                n++;
            }
        }
        List<NetworkPolicy> goodPolicies = goodPolicies().stream().map(NetworkPolicyConverter::networkPolicy).toList();
        ClusterState good = new ClusterState(goodNamespaces, goodPods, goodPolicies, NODES);
        PolicyEvaluator goodOnly = new PolicyEvaluator(good);

        Map<String, InMemoryPolicyMaps> maps = new java.util.TreeMap<>();
        Map<String, NodePolicyUpdater> updaters = new java.util.TreeMap<>();
        NODES.keySet().forEach(node -> {
            maps.put(node, new InMemoryPolicyMaps(node));
            updaters.put(node, new NodePolicyUpdater(node, maps.get(node)));
        });
        int inputs = 0, refused = 0, accepted = 0;
        long probes = 0;
        List<String> crashes = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<Namespace> namespaces = new ArrayList<>(goodNamespaces);
            List<Pod> pods = new ArrayList<>(goodPods);
            List<NetworkPolicy> policies = new ArrayList<>(goodPolicies);
            for (int h = 0; h < 20; h++) {
                String ip = "10.244." + (h % 3) + "." + (100 + h);
                // Composed mutations may not build (fabric8 refuses to edit what an earlier one removed): not an input.
                Object input;
                try {
                    input = switch (r.nextInt(5)) {
                        case 0, 1 -> {
                            var b = pick(r, POD_MUTATIONS).apply(pod("h", "p" + h, ip, "n" + (h % 3 + 1)));
                            yield (r.nextInt(4) == 0 ? pick(r, POD_MUTATIONS).apply(b) : b).build();
                        }
                        case 2, 3 -> {
                            var b = pick(r, POLICY_MUTATIONS).apply(policy("h", "np" + h));
                            yield (r.nextInt(4) == 0 ? pick(r, POLICY_MUTATIONS).apply(b) : b).build();
                        }
                        default -> pick(r, NAMESPACE_MUTATIONS).apply(namespace("h" + h)).build();
                    };
                } catch (RuntimeException unbuildable) {
                    continue;
                }
                inputs++;
                try {
                    switch (input) {
                        case io.fabric8.kubernetes.api.model.Pod p -> pods.add(NetworkPolicyConverter.pod(p));
                        case io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy p ->
                                policies.add(NetworkPolicyConverter.networkPolicy(p));
                        case io.fabric8.kubernetes.api.model.Namespace ns -> namespaces.add(NetworkPolicyConverter.namespace(ns));
                        default -> throw new AssertionError(input);
                    }
                    accepted++;
                } catch (IllegalArgumentException clear) {
                    refused++;
                    assertNotNull(clear.getMessage(), "a refusal says why");
                    assertTrue(clear.getMessage().length() < 1_000, "a refusal is one readable line: " + clear.getMessage().length());
                } catch (RuntimeException crash) {
                    crashes.add(crash + " (seed " + seed + ", round " + round + ")");
                }
            }
            try {
                ClusterState state = new ClusterState(namespaces, pods, policies, NODES);
                updaters.values().forEach(u -> u.apply(state));
                PolicyDatapathModel model = PolicyDatapathModel.over(List.copyOf(maps.values()));
                PolicyEvaluator evaluator = new PolicyEvaluator(state);
                for (Probe probe : EvaluatorVsDatapathModelProperties.probes(state)) {
                    probes++;
                    boolean expected = evaluator.evaluate(probe).allowed();
                    assertEquals(expected, model.decide(probe).allowed(),
                            () -> "datapath vs evaluator on " + probe + " (seed " + seed + "): " + model.decide(probe)
                                    + "\nhostile pods " + pods.subList(goodPods.size(), pods.size())
                                    + "\nhostile policies " + policies.subList(goodPolicies.size(), policies.size()).stream()
                                    .map(p -> p.toString().length() > 600 ? p.toString().substring(0, 600) : p.toString()).toList());
                    // An address a hostile pod also claims goes to the first claimant by namespace/name, hostile or
                    // not (ClusterState), so only probes between uncontested addresses must be unaffected.
                    if (isGood(good, probe) && !contested(state, probe)) {
                        assertEquals(goodOnly.evaluate(probe).allowed(), expected,
                                () -> "hostile objects changed " + probe + " between well-formed pods (seed " + seed + ")");
                    }
                }
            } catch (RuntimeException crash) {
                crashes.add("planner: " + crash + " (seed " + seed + ", round " + round + ")");
            }
        }
        System.out.printf("hostile policy objects: %d inputs (seed %d): %d converted, %d refused with a reason, %d crashes; "
                + "%d probes, datapath equal to the evaluator on all%n", inputs, seed, accepted, refused, crashes.size(), probes);
        assertEquals(List.of(), crashes.stream().distinct().limit(10).toList());
        assertTrue(refused > inputs / 4 && accepted > inputs / 10, "the mutations exercise both outcomes");
    }

    private static boolean contested(ClusterState state, Probe probe) {
        return state.pods().stream().filter(p -> p.ips().contains(probe.source())).count() > 1
                || state.pods().stream().filter(p -> p.ips().contains(probe.destination())).count() > 1;
    }

    private static boolean isGood(ClusterState good, Probe probe) {
        return good.podByIp(probe.source()).isPresent() && good.podByIp(probe.destination()).isPresent();
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    static NamespaceBuilder namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).addToLabels("ns", name).endMetadata();
    }

    static PodBuilder pod(String ns, String name, String ip, String node) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).addToLabels("pod", name).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").addNewPort().withName("http")
                .withContainerPort(8080).withProtocol("TCP").endPort().endContainer().endSpec()
                .withNewStatus().withPodIP(ip).withPhase("Running").endStatus();
    }

    static NetworkPolicyBuilder policy(String ns, String name) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withNewPodSelector().addToMatchLabels("pod", "p1").endPodSelector()
                .withPolicyTypes("Ingress").addNewIngress().addNewFrom().withNewPodSelector().endPodSelector()
                .withNewNamespaceSelector().endNamespaceSelector().endFrom().endIngress().endSpec();
    }

    /** Shapes from the upstream suite: deny all, allow from a pod of another namespace, egress by namespace, ipBlock, named port. */
    static List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> goodPolicies() {
        return List.of(
                new NetworkPolicyBuilder().withNewMetadata().withNamespace("x").withName("deny-ingress").endMetadata()
                        .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec().build(),
                new NetworkPolicyBuilder().withNewMetadata().withNamespace("x").withName("allow-y-b").endMetadata()
                        .withNewSpec().withNewPodSelector().addToMatchLabels("pod", "a").endPodSelector().withPolicyTypes("Ingress")
                        .addNewIngress().addNewFrom().withNewNamespaceSelector().addToMatchLabels("ns", "y").endNamespaceSelector()
                        .withNewPodSelector().addToMatchLabels("pod", "b").endPodSelector().endFrom()
                        .withPorts(port(80, null, "TCP")).endIngress().endSpec().build(),
                new NetworkPolicyBuilder().withNewMetadata().withNamespace("y").withName("egress-to-z").endMetadata()
                        .withNewSpec().withNewPodSelector().addNewMatchExpression().withKey("pod").withOperator("In").withValues("a", "c")
                        .endMatchExpression().endPodSelector().withPolicyTypes("Egress")
                        .addNewEgress().addNewTo().withNewNamespaceSelector().addToMatchLabels("ns", "z").endNamespaceSelector().endTo()
                        .withPorts(port(81, null, "UDP"), port(8000, 8080, "TCP")).endEgress().endSpec().build(),
                new NetworkPolicyBuilder().withNewMetadata().withNamespace("z").withName("from-block").endMetadata()
                        .withNewSpec().withNewPodSelector().addToMatchLabels("pod", "b").endPodSelector().withPolicyTypes("Ingress")
                        .withIngress(ingressFromBlock("10.244.0.0/16", "10.244.1.0/24")).endSpec().build(),
                new NetworkPolicyBuilder().withNewMetadata().withNamespace("z").withName("named-http").endMetadata()
                        .withNewSpec().withNewPodSelector().addToMatchLabels("pod", "c").endPodSelector().withPolicyTypes("Ingress")
                        .addNewIngress().withPorts(new NetworkPolicyPortBuilder().withPort(new IntOrString("http")).build()).endIngress()
                        .endSpec().build());
    }

    static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule ingressFromBlock(String cidr, String... except) {
        return new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder()
                .addNewFrom().withNewIpBlock().withCidr(cidr).withExcept(except).endIpBlock().endFrom().build();
    }

    static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule ingressOnPorts(
            io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort... ports) {
        return new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder().withPorts(ports).build();
    }

    static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort port(int port, Integer endPort, String protocol) {
        return new NetworkPolicyPortBuilder().withPort(new IntOrString(port)).withEndPort(endPort).withProtocol(protocol).build();
    }

    static List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort> manyPorts(int n) {
        List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(port(1 + i, null, "TCP"));
        return out;
    }
}
