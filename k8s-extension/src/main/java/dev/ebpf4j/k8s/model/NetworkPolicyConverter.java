package dev.ebpf4j.k8s.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts fabric8 API objects (Pod, Namespace, NetworkPolicy, LabelSelector) into this package's records.
 * Missing optional fields take their API defaults (protocol TCP, empty selectors match all).
 */
public final class NetworkPolicyConverter {

    private NetworkPolicyConverter() {
    }

    /**
     * @param pod a fabric8 pod
     * @return the pod record (addresses from {@code status.podIPs}, falling back to {@code status.podIP})
     */
    public static Pod pod(io.fabric8.kubernetes.api.model.Pod pod) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        var status = pod.getStatus();
        Set<InetAddress> ips = new LinkedHashSet<>();
        if (status != null) {
            if (status.getPodIPs() != null) {
                status.getPodIPs().forEach(ip -> {
                    if (ip.getIp() != null) {
                        ips.add(Cidr.address(ip.getIp()));
                    }
                });
            }
            if (ips.isEmpty() && status.getPodIP() != null && !status.getPodIP().isEmpty()) {
                ips.add(Cidr.address(status.getPodIP()));
            }
        }
        List<ContainerPort> ports = new ArrayList<>();
        if (spec != null && spec.getContainers() != null) {
            for (var c : spec.getContainers()) {
                for (var p : orEmpty(c.getPorts())) {
                    ports.add(new ContainerPort(p.getName(), p.getContainerPort(), L4Protocol.parse(p.getProtocol())));
                }
            }
        }
        return new Pod(meta.getNamespace() == null ? "default" : meta.getNamespace(), meta.getName(),
                orEmpty(meta.getLabels()), List.copyOf(ips), spec == null ? "" : spec.getNodeName(), ports);
    }

    /**
     * @param namespace a fabric8 namespace
     * @return the namespace record with its labels as stored (the API server adds the name label itself)
     */
    public static Namespace namespace(io.fabric8.kubernetes.api.model.Namespace namespace) {
        return new Namespace(namespace.getMetadata().getName(), orEmpty(namespace.getMetadata().getLabels()));
    }

    /**
     * @param selector a fabric8 selector, or null
     * @return the selector record (null becomes the empty selector, which matches all)
     */
    public static LabelSelector labelSelector(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        if (selector == null) {
            return LabelSelector.everything();
        }
        List<LabelSelectorRequirement> expressions = new ArrayList<>();
        for (var r : orEmpty(selector.getMatchExpressions())) {
            expressions.add(new LabelSelectorRequirement(r.getKey(),
                    LabelSelectorRequirement.Operator.parse(r.getOperator()), r.getValues()));
        }
        return new LabelSelector(orEmpty(selector.getMatchLabels()), expressions);
    }

    /**
     * @param policy a fabric8 NetworkPolicy
     * @return the policy record
     */
    public static NetworkPolicy networkPolicy(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy policy) {
        NetworkPolicySpec spec = policy.getSpec();
        Set<PolicyType> types = EnumSet.noneOf(PolicyType.class);
        for (String t : orEmpty(spec.getPolicyTypes())) {
            types.add(switch (t) {
                case "Ingress" -> PolicyType.INGRESS;
                case "Egress" -> PolicyType.EGRESS;
                default -> throw new IllegalArgumentException("unknown policyType '" + t + "': use Ingress or Egress");
            });
        }
        List<NetworkPolicyRule> ingress = new ArrayList<>();
        for (NetworkPolicyIngressRule r : orEmpty(spec.getIngress())) {
            ingress.add(rule(orEmpty(r.getFrom()), orEmpty(r.getPorts())));
        }
        List<NetworkPolicyRule> egress = new ArrayList<>();
        for (NetworkPolicyEgressRule r : orEmpty(spec.getEgress())) {
            egress.add(rule(orEmpty(r.getTo()), orEmpty(r.getPorts())));
        }
        var meta = policy.getMetadata();
        return new NetworkPolicy(meta.getNamespace() == null ? "default" : meta.getNamespace(), meta.getName(),
                labelSelector(spec.getPodSelector()), types, ingress, egress);
    }

    private static NetworkPolicyRule rule(List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer> peers,
                                          List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort> ports) {
        List<NetworkPolicyPeer> out = new ArrayList<>();
        for (var p : peers) {
            out.add(peer(p));
        }
        List<NetworkPolicyPort> outPorts = new ArrayList<>();
        for (var p : ports) {
            outPorts.add(port(p));
        }
        return new NetworkPolicyRule(out, outPorts);
    }

    private static NetworkPolicyPeer peer(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer p) {
        IPBlock block = p.getIpBlock();
        if (block != null) {
            return NetworkPolicyPeer.ipBlock(new IpBlock(Cidr.parse(block.getCidr()),
                    orEmpty(block.getExcept()).stream().map(Cidr::parse).toList()));
        }
        return new NetworkPolicyPeer(p.getPodSelector() == null ? null : labelSelector(p.getPodSelector()),
                p.getNamespaceSelector() == null ? null : labelSelector(p.getNamespaceSelector()), null);
    }

    private static NetworkPolicyPort port(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort p) {
        L4Protocol protocol = L4Protocol.parse(p.getProtocol());
        IntOrString port = p.getPort();
        int end = p.getEndPort() == null ? 0 : p.getEndPort();
        if (port == null) {
            return NetworkPolicyPort.all(protocol);
        }
        if (port.getStrVal() != null) {
            return NetworkPolicyPort.named(protocol, port.getStrVal());
        }
        return new NetworkPolicyPort(protocol, port.getIntVal(), end, "");
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
