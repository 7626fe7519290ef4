package dev.ebpf4j.k8s.agent;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent's NetworkPolicy settings: the {@code policy} section of {@code agent.yaml}, or {@code --policy} and
 * {@code --policy-interface} on the command line.
 *
 * @param enabled       enforce NetworkPolicy (the agent then also follows Namespaces, Pods and NetworkPolicies)
 * @param interfaces    {@code namespace/name} to the pod's node-side interface; empty: found by the node's host
 *                      route to each pod address ({@link dev.ebpf4j.k8s.policy.PodInterfaces#hostRoutes()})
 * @param hostAddresses the node's own addresses; empty: every address on the node's interfaces
 */
public record PolicyOptions(boolean enabled, Map<String, String> interfaces, List<InetAddress> hostAddresses) {
    /** Policy not enforced. */
    public static final PolicyOptions DISABLED = new PolicyOptions(false, Map.of(), List.of());

    /** Copies the collections. */
    public PolicyOptions {
        interfaces = java.util.Collections.unmodifiableMap(new TreeMap<>(interfaces));
        hostAddresses = List.copyOf(hostAddresses);
    }

    /** @param on whether to enforce @return a copy with that switch */
    PolicyOptions enabled(boolean on) {
        return new PolicyOptions(on, interfaces, hostAddresses);
    }

    /** @param pod {@code namespace/name} @param ifname its interface @return a copy with that table entry added */
    PolicyOptions withInterface(String pod, String ifname) {
        Map<String, String> m = new TreeMap<>(interfaces);
        m.put(pod, ifname);
        return new PolicyOptions(enabled, m, hostAddresses);
    }
}
