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
 * Missing optional fields take their API defaults (protocol TCP, empty selectors match all). What a validating API
 * server would have refused (no name, bad label keys or values, port 0 or above 65535, an empty or malformed port
 * name, a malformed CIDR or an except outside its block, an unknown operator or protocol) is refused here too, with
 * an {@link IllegalArgumentException} that names the object and the field: never half-converted.
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
        String where = "Pod " + describe(meta);
        requireName(meta, where);
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
                    if (p.getContainerPort() == null) {
                        throw new IllegalArgumentException(where + ": a container port has no containerPort number");
                    }
                    String name = p.getName() == null || p.getName().isEmpty() ? "" : LabelSyntax.portName(p.getName(), where);
                    int hostPort = p.getHostPort() == null ? 0 : p.getHostPort();
                    var hostIp = p.getHostIP() == null || p.getHostIP().isEmpty() ? java.util.Optional.<InetAddress>empty()
                            : java.util.Optional.of(Cidr.address(p.getHostIP()));
                    try {
                        ports.add(new ContainerPort(name, p.getContainerPort(), L4Protocol.parse(p.getProtocol()), hostPort, hostIp));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                    }
                }
            }
        }
        String node = spec == null || spec.getNodeName() == null ? "" : spec.getNodeName();
        if (!ips.isEmpty() && node.isEmpty()) {
            // No node would enforce its policies: an address without a node is an inconsistent object.
            throw new IllegalArgumentException(where + " has addresses " + ips + " but no spec.nodeName");
        }
        return new Pod(meta.getNamespace() == null ? "default" : meta.getNamespace(), meta.getName(),
                LabelSyntax.check(orEmpty(meta.getLabels()), where), List.copyOf(ips), node, ports);
    }

    /**
     * @param namespace a fabric8 namespace
     * @return the namespace record with its labels as stored (the API server adds the name label itself)
     */
    public static Namespace namespace(io.fabric8.kubernetes.api.model.Namespace namespace) {
        var meta = namespace.getMetadata();
        String where = "Namespace " + describe(meta);
        requireName(meta, where);
        return new Namespace(meta.getName(), LabelSyntax.check(orEmpty(meta.getLabels()), where));
    }

    /**
     * @param selector a fabric8 selector, or null
     * @return the selector record (null becomes the empty selector, which matches all)
     */
    public static LabelSelector labelSelector(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        return labelSelector(selector, "selector");
    }

    private static LabelSelector labelSelector(io.fabric8.kubernetes.api.model.LabelSelector selector, String where) {
        if (selector == null) {
            return LabelSelector.everything();
        }
        List<LabelSelectorRequirement> expressions = new ArrayList<>();
        for (var r : orEmpty(selector.getMatchExpressions())) {
            LabelSyntax.key(r.getKey(), where);
            if (r.getOperator() == null) {
                throw new IllegalArgumentException(where + ": expression on '" + LabelSyntax.cut(r.getKey()) + "' has no operator");
            }
            for (String v : orEmpty(r.getValues())) {
                LabelSyntax.value(v, r.getKey(), where);
            }
            expressions.add(new LabelSelectorRequirement(r.getKey(),
                    LabelSelectorRequirement.Operator.parse(r.getOperator()), r.getValues()));
        }
        return new LabelSelector(LabelSyntax.check(orEmpty(selector.getMatchLabels()), where), expressions);
    }

    /**
     * @param policy a fabric8 NetworkPolicy
     * @return the policy record
     */
    public static NetworkPolicy networkPolicy(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy policy) {
        var meta = policy.getMetadata();
        String where = "NetworkPolicy " + describe(meta);
        requireName(meta, where);
        NetworkPolicySpec spec = policy.getSpec();
        if (spec == null) {
            throw new IllegalArgumentException(where + " has no spec");
        }
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
            ingress.add(rule(orEmpty(r.getFrom()), orEmpty(r.getPorts()), where));
        }
        List<NetworkPolicyRule> egress = new ArrayList<>();
        for (NetworkPolicyEgressRule r : orEmpty(spec.getEgress())) {
            egress.add(rule(orEmpty(r.getTo()), orEmpty(r.getPorts()), where));
        }
        return new NetworkPolicy(meta.getNamespace() == null ? "default" : meta.getNamespace(), meta.getName(),
                labelSelector(spec.getPodSelector(), where), types, ingress, egress);
    }

    private static NetworkPolicyRule rule(List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer> peers,
                                          List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort> ports,
                                          String where) {
        List<NetworkPolicyPeer> out = new ArrayList<>();
        for (var p : peers) {
            out.add(peer(p, where));
        }
        List<NetworkPolicyPort> outPorts = new ArrayList<>();
        for (var p : ports) {
            outPorts.add(port(p, where));
        }
        return new NetworkPolicyRule(out, outPorts);
    }

    private static NetworkPolicyPeer peer(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer p, String where) {
        IPBlock block = p.getIpBlock();
        if (block != null) {
            if (block.getCidr() == null) {
                throw new IllegalArgumentException(where + ": an ipBlock has no cidr");
            }
            if (p.getPodSelector() != null || p.getNamespaceSelector() != null) {
                throw new IllegalArgumentException(where + ": a peer with an ipBlock cannot also have selectors");
            }
            Cidr cidr = Cidr.parse(block.getCidr());
            List<Cidr> except = new ArrayList<>();
            for (String e : orEmpty(block.getExcept())) {
                Cidr c = Cidr.parse(e);
                if (!cidr.contains(c) || c.prefixLength() == cidr.prefixLength()) {
                    throw new IllegalArgumentException(where + ": except " + e + " is not strictly inside " + block.getCidr());
                }
                except.add(c);
            }
            return NetworkPolicyPeer.ipBlock(new IpBlock(cidr, except));
        }
        return new NetworkPolicyPeer(p.getPodSelector() == null ? null : labelSelector(p.getPodSelector(), where),
                p.getNamespaceSelector() == null ? null : labelSelector(p.getNamespaceSelector(), where), null);
    }

    private static NetworkPolicyPort port(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort p, String where) {
        L4Protocol protocol = L4Protocol.parse(p.getProtocol());
        IntOrString port = p.getPort();
        int end = p.getEndPort() == null ? 0 : p.getEndPort();
        if (port == null) {
            if (end != 0) throw new IllegalArgumentException(where + ": endPort " + end + " without a port");
            return NetworkPolicyPort.all(protocol);
        }
        if (port.getStrVal() != null) {
            if (end != 0) throw new IllegalArgumentException(where + ": endPort " + end + " with the named port " + port.getStrVal());
            return NetworkPolicyPort.named(protocol, LabelSyntax.portName(port.getStrVal(), where));
        }
        // 0 would read as "every port": the API server refuses it, so must we.
        if (port.getIntVal() == null || port.getIntVal() < 1 || port.getIntVal() > 65535) {
            throw new IllegalArgumentException(where + ": port " + port.getIntVal() + " is not in 1..65535");
        }
        if (end != 0 && (end < port.getIntVal() || end > 65535)) {
            throw new IllegalArgumentException(where + ": endPort " + end + " must be in " + port.getIntVal() + "..65535");
        }
        return new NetworkPolicyPort(protocol, port.getIntVal(), end, "");
    }

    private static void requireName(io.fabric8.kubernetes.api.model.ObjectMeta meta, String where) {
        if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
            throw new IllegalArgumentException(where + " has no metadata.name");
        }
        if (meta.getName().length() > 253) {
            throw new IllegalArgumentException(where + ": name longer than 253 characters");
        }
    }

    private static String describe(io.fabric8.kubernetes.api.model.ObjectMeta meta) {
        if (meta == null) return "(no metadata)";
        String ns = meta.getNamespace() == null ? "" : LabelSyntax.cut(meta.getNamespace()) + "/";
        return ns + (meta.getName() == null ? "(no name)" : LabelSyntax.cut(meta.getName()));
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
