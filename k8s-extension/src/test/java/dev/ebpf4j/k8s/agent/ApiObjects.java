package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.model.ContainerPort;
import dev.ebpf4j.k8s.model.IpBlock;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.LabelSelectorRequirement;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;

import java.util.List;
import java.util.Locale;

/** The policy model written back as the API objects it is read from (the inverse of the model's converters). */
final class ApiObjects {
    private ApiObjects() {
    }

    static io.fabric8.kubernetes.api.model.Namespace namespace(Namespace ns) {
        return new NamespaceBuilder().withNewMetadata().withName(ns.name()).withLabels(ns.labels()).endMetadata().build();
    }

    static io.fabric8.kubernetes.api.model.Pod pod(Pod p) {
        var ports = p.ports().stream().map(ApiObjects::containerPort).toList();
        return new PodBuilder().withNewMetadata().withNamespace(p.namespace()).withName(p.name()).withLabels(p.labels()).endMetadata()
                .withNewSpec().withNodeName(p.node()).addNewContainer().withName("c").withImage("none").withPorts(ports).endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(p.ips().getFirst().getHostAddress())
                .withPodIPs(p.ips().stream().map(ip -> new io.fabric8.kubernetes.api.model.PodIP(ip.getHostAddress())).toList())
                .endStatus().build();
    }

    private static io.fabric8.kubernetes.api.model.ContainerPort containerPort(ContainerPort c) {
        return new ContainerPortBuilder().withName(c.name().isEmpty() ? null : c.name()).withContainerPort(c.port())
                .withProtocol(c.protocol().name()).build();
    }

    static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy policy(NetworkPolicy np) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace(np.namespace()).withName(np.name()).endMetadata()
                .withNewSpec().withPodSelector(selector(np.podSelector()))
                .withPolicyTypes(np.policyTypes().stream().map(t -> t.name().charAt(0) + t.name().substring(1).toLowerCase(Locale.ROOT)).sorted().toList())
                .withIngress(np.ingress().stream().map(r -> new NetworkPolicyIngressRuleBuilder()
                        .withFrom(peers(r)).withPorts(ports(r)).build()).toList())
                .withEgress(np.egress().stream().map(r -> new NetworkPolicyEgressRuleBuilder()
                        .withTo(peers(r)).withPorts(ports(r)).build()).toList())
                .endSpec().build();
    }

    private static List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer> peers(NetworkPolicyRule r) {
        return r.peers().stream().map(ApiObjects::peer).toList();
    }

    private static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer peer(NetworkPolicyPeer p) {
        NetworkPolicyPeerBuilder b = new NetworkPolicyPeerBuilder();
        IpBlock block = p.ipBlock();
        if (block != null) {
            return b.withIpBlock(new IPBlockBuilder().withCidr(block.cidr().toString())
                    .withExcept(block.except().stream().map(Object::toString).toList()).build()).build();
        }
        if (p.podSelector() != null) b.withPodSelector(selector(p.podSelector()));
        if (p.namespaceSelector() != null) b.withNamespaceSelector(selector(p.namespaceSelector()));
        return b.build();
    }

    private static List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort> ports(NetworkPolicyRule r) {
        return r.ports().stream().map(ApiObjects::port).toList();
    }

    private static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort port(NetworkPolicyPort p) {
        NetworkPolicyPortBuilder b = new NetworkPolicyPortBuilder().withProtocol(p.protocol().name());
        if (!p.portName().isEmpty()) return b.withPort(new IntOrString(p.portName())).build();
        if (p.port() != 0) b.withPort(new IntOrString(p.port()));
        if (p.endPort() != 0) b.withEndPort(p.endPort());
        return b.build();
    }

    private static io.fabric8.kubernetes.api.model.LabelSelector selector(LabelSelector s) {
        return new LabelSelectorBuilder().withMatchLabels(s.matchLabels())
                .withMatchExpressions(s.matchExpressions().stream().map(ApiObjects::requirement).toList()).build();
    }

    private static io.fabric8.kubernetes.api.model.LabelSelectorRequirement requirement(LabelSelectorRequirement r) {
        String op = switch (r.operator()) {
            case IN -> "In";
            case NOT_IN -> "NotIn";
            case EXISTS -> "Exists";
            case DOES_NOT_EXIST -> "DoesNotExist";
        };
        return new LabelSelectorRequirementBuilder().withKey(r.key()).withOperator(op).withValues(r.values()).build();
    }
}
