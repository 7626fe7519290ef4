package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.IpBlock;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.PolicyEvaluator;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The filter rules an iptables policy engine without ipsets would install on a node for the same NetworkPolicies
 * (one chain per local pod and direction, one ACCEPT per allowed peer address and port, an ipBlock with excepts as a
 * chain that RETURNs the excepts first, DROP at the end), for rule counts and restore times beside the BPF maps.
 */
final class IptablesPolicyRules {

    private IptablesPolicyRules() {
    }

    static String of(ClusterState state, String node) {
        PolicyEvaluator evaluator = new PolicyEvaluator(state);
        Map<String, Map<String, String>> nsLabels = new HashMap<>();
        state.namespaces().forEach(n -> nsLabels.put(n.name(), n.labels()));
        StringBuilder chains = new StringBuilder("*filter\n");
        StringBuilder body = new StringBuilder();
        Map<IpBlock, String> blockChains = new HashMap<>();
        int chain = 0;
        for (Pod pod : state.pods()) {
            if (!pod.node().equals(node) || pod.ips().isEmpty()) continue;
            for (PolicyType direction : PolicyType.values()) {
                List<NetworkPolicy> isolating = evaluator.isolatingPolicies(pod, direction);
                if (isolating.isEmpty()) continue;
                boolean in = direction == PolicyType.INGRESS;
                String name = (in ? "E4J-IN-" : "E4J-EG-") + chain++;
                chains.append(':').append(name).append(" - [0:0]\n");
                for (InetAddress ip : pod.ips()) {
                    body.append("-A FORWARD ").append(in ? "-d " : "-s ").append(ip.getHostAddress()).append(" -j ").append(name).append('\n');
                }
                for (NetworkPolicy policy : isolating) {
                    for (NetworkPolicyRule rule : policy.rules(direction)) {
                        List<String> peers = new ArrayList<>();
                        if (rule.peers().isEmpty()) peers.add("");
                        for (NetworkPolicyPeer peer : rule.peers()) {
                            if (peer.selectsPods()) {
                                for (Pod other : state.pods()) {
                                    if (matches(policy, peer, other, nsLabels)) {
                                        other.ips().forEach(a -> peers.add((in ? " -s " : " -d ") + a.getHostAddress()));
                                    }
                                }
                            } else {
                                String c = blockChains.computeIfAbsent(peer.ipBlock(), b -> {
                                    String bn = "E4J-BLK-" + blockChains.size();
                                    chains.append(':').append(bn).append(" - [0:0]\n");
                                    for (Cidr e : b.except()) body.append("-A ").append(bn).append(in ? " -s " : " -d ").append(e).append(" -j RETURN\n");
                                    body.append("-A ").append(bn).append(in ? " -s " : " -d ").append(b.cidr()).append(" -j ACCEPT\n");
                                    return bn;
                                });
                                peers.add(" -g " + c);
                            }
                        }
                        for (String peer : peers) {
                            for (String port : ports(rule, in ? pod : null)) {
                                String target = peer.startsWith(" -g ") ? "" : " -j ACCEPT";
                                body.append("-A ").append(name).append(peer.startsWith(" -g ") ? "" : peer).append(port)
                                        .append(peer.startsWith(" -g ") ? peer.replace(" -g ", " -j ") : target).append('\n');
                            }
                        }
                    }
                }
                body.append("-A ").append(name).append(" -j DROP\n");
            }
        }
        return chains.append(body).append("COMMIT\n").toString();
    }

    private static boolean matches(NetworkPolicy policy, NetworkPolicyPeer peer, Pod pod, Map<String, Map<String, String>> nsLabels) {
        if (peer.namespaceSelector() == null) {
            return pod.namespace().equals(policy.namespace()) && peer.podSelector().matches(pod.labels());
        }
        return peer.namespaceSelector().matches(nsLabels.getOrDefault(pod.namespace(), Map.of()))
                && (peer.podSelector() == null || peer.podSelector().matches(pod.labels()));
    }

    /** The port matches of a rule ("" for any); a named port resolves on {@code owner} (ingress) or is left out. */
    private static List<String> ports(NetworkPolicyRule rule, Pod owner) {
        if (rule.ports().isEmpty()) return List.of("");
        List<String> out = new ArrayList<>();
        for (NetworkPolicyPort p : rule.ports()) {
            String proto = " -p " + p.protocol().name().toLowerCase(java.util.Locale.ROOT);
            if (p.isNamed()) {
                if (owner != null) owner.resolvePort(p.portName(), p.protocol()).ifPresent(n -> out.add(proto + " --dport " + n));
            } else if (p.port() == 0) {
                out.add(proto);
            } else {
                out.add(proto + " --dport " + p.port() + (p.lastPort() > p.port() ? ":" + p.lastPort() : ""));
            }
        }
        return out;
    }
}
