package dev.ebpf4j.k8s.model;

import java.util.List;

/**
 * An ingress or egress rule: traffic with any of the peers on any of the ports is allowed. An empty peer list
 * matches every peer (any address), an empty port list every port of every protocol.
 *
 * @param peers the {@code from} (ingress) or {@code to} (egress) entries
 * @param ports the {@code ports} entries
 */
public record NetworkPolicyRule(List<NetworkPolicyPeer> peers, List<NetworkPolicyPort> ports) {

    /** Copies the lists; null means empty (match everything). */
    public NetworkPolicyRule {
        peers = List.copyOf(peers == null ? List.of() : peers);
        ports = List.copyOf(ports == null ? List.of() : ports);
    }

    /** @return a rule that allows everything ({@code - {}}) */
    public static NetworkPolicyRule allowAll() {
        return new NetworkPolicyRule(List.of(), List.of());
    }

    /**
     * @param peers the peers
     * @return a rule with these peers and all ports
     */
    public static NetworkPolicyRule peers(NetworkPolicyPeer... peers) {
        return new NetworkPolicyRule(List.of(peers), List.of());
    }

    /**
     * @param ports the ports
     * @return a rule with these ports and all peers
     */
    public static NetworkPolicyRule ports(NetworkPolicyPort... ports) {
        return new NetworkPolicyRule(List.of(), List.of(ports));
    }

    /**
     * @param morePorts ports to restrict the rule to
     * @return this rule with the ports replaced
     */
    public NetworkPolicyRule onPorts(NetworkPolicyPort... morePorts) {
        return new NetworkPolicyRule(peers, List.of(morePorts));
    }
}
