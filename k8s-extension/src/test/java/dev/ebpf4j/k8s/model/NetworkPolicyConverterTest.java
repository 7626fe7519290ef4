package dev.ebpf4j.k8s.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetworkPolicyConverterTest {

    private static final String YAML = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: api, namespace: prod}
            spec:
              podSelector:
                matchLabels: {app: api}
                matchExpressions: [{key: tier, operator: NotIn, values: [test]}]
              policyTypes: [Ingress, Egress]
              ingress:
              - from:
                - podSelector: {matchLabels: {app: web}}
                - namespaceSelector: {matchLabels: {team: a}}
                  podSelector: {}
                - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
                ports:
                - {port: 8080}
                - {protocol: UDP, port: 5000, endPort: 5010}
                - {protocol: SCTP, port: http}
              egress:
              - {}
            """;

    @Test
    void convertsEveryField() {
        var fabric8 = Serialization.unmarshal(YAML,
                io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
        NetworkPolicy p = NetworkPolicyConverter.networkPolicy(fabric8);
        assertEquals("prod/api", p.key());
        assertEquals(Map.of("app", "api"), p.podSelector().matchLabels());
        assertEquals(new LabelSelectorRequirement("tier", LabelSelectorRequirement.Operator.NOT_IN, List.of("test")),
                p.podSelector().matchExpressions().getFirst());
        assertEquals(EnumSet.of(PolicyType.INGRESS, PolicyType.EGRESS), p.policyTypes());
        NetworkPolicyRule in = p.ingress().getFirst();
        assertEquals(NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", "web"))), in.peers().get(0));
        assertEquals(NetworkPolicyPeer.podsInNamespaces(LabelSelector.everything(),
                LabelSelector.matchLabels(Map.of("team", "a"))), in.peers().get(1));
        assertEquals(NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.0.0/8", "10.1.0.0/16")), in.peers().get(2));
        assertEquals(List.of(NetworkPolicyPort.number(L4Protocol.TCP, 8080), NetworkPolicyPort.range(L4Protocol.UDP, 5000, 5010),
                NetworkPolicyPort.named(L4Protocol.SCTP, "http")), in.ports());
        assertEquals(List.of(NetworkPolicyRule.allowAll()), p.egress());
    }

    @Test
    void omittedPolicyTypesDefault() {
        var fabric8 = Serialization.unmarshal("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: e, namespace: n}
                spec:
                  podSelector: {}
                  egress: [{to: [{namespaceSelector: {}}]}]
                """, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
        NetworkPolicy p = NetworkPolicyConverter.networkPolicy(fabric8);
        assertEquals(Set.of(), p.policyTypes());
        assertEquals(EnumSet.of(PolicyType.INGRESS, PolicyType.EGRESS), p.effectivePolicyTypes());
        assertNull(p.egress().getFirst().peers().getFirst().podSelector());
    }

    @Test
    void podAndNamespace() {
        var pod = new PodBuilder().withNewMetadata().withName("web-1").withNamespace("prod")
                .addToLabels("app", "web").endMetadata()
                .withNewSpec().withNodeName("n1").addNewContainer().withName("c")
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .addNewPort().withContainerPort(53).withProtocol("UDP").endPort().endContainer().endSpec()
                .withNewStatus().withPodIP("10.0.0.5").addNewPodIP("10.0.0.5").addNewPodIP("fd00::5").endStatus()
                .build();
        Pod p = NetworkPolicyConverter.pod(pod);
        assertEquals("prod/web-1", p.key());
        assertEquals("n1", p.node());
        assertEquals(List.of(Cidr.address("10.0.0.5"), Cidr.address("fd00::5")), p.ips());
        assertEquals(List.of(ContainerPort.named("http", 8080, L4Protocol.TCP), new ContainerPort("", 53, L4Protocol.UDP)),
                p.ports());
        assertEquals(8080, p.resolvePort("http", L4Protocol.TCP).orElseThrow());
        assertEquals(java.util.Optional.empty(), p.resolvePort("http", L4Protocol.UDP), "name and protocol both match");

        var ns = new NamespaceBuilder().withNewMetadata().withName("prod")
                .addToLabels(Namespace.NAME_LABEL, "prod").addToLabels("team", "a").endMetadata().build();
        assertEquals(Namespace.of("prod", Map.of("team", "a")), NetworkPolicyConverter.namespace(ns));
    }

    /** What the API server refuses is refused with a reason naming the object, never read as something wider. */
    @Test
    void refusesWhatAValidatingApiServerWould() {
        java.util.function.Function<String, IllegalArgumentException> refusal = ports -> org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> NetworkPolicyConverter.networkPolicy(Serialization.unmarshal("""
                        apiVersion: networking.k8s.io/v1
                        kind: NetworkPolicy
                        metadata: {name: p, namespace: n}
                        spec:
                          podSelector: {}
                          ingress: [{ports: [%s]}]
                        """.formatted(ports), io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class)));
        // Port 0 would otherwise mean "every port", an empty name "every port" too.
        org.junit.jupiter.api.Assertions.assertTrue(refusal.apply("{port: 0}").getMessage().contains("NetworkPolicy n/p: port 0"));
        org.junit.jupiter.api.Assertions.assertTrue(refusal.apply("{port: ''}").getMessage().contains("port name ''"));
        refusal.apply("{port: 70000}");
        refusal.apply("{port: HTTP}");
        refusal.apply("{port: 90, endPort: 80}");
        refusal.apply("{endPort: 80}");
        var pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("n").addToLabels("app", "x".repeat(64))
                .endMetadata().withNewSpec().withNodeName("n1").endSpec().build();
        org.junit.jupiter.api.Assertions.assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> NetworkPolicyConverter.pod(pod)).getMessage().startsWith("Pod n/p: value of label 'app' (64 characters)"));
        var unscheduled = new PodBuilder().withNewMetadata().withName("p").withNamespace("n").endMetadata()
                .withNewStatus().withPodIP("10.0.0.5").endStatus().build();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> NetworkPolicyConverter.pod(unscheduled),
                "an address without a node: no node would enforce its policies");
    }
}
