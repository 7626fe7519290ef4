package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.Pod;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How {@link PolicyEnforcer} finds the node-side interface of each local pod, where it attaches the policy programs.
 * Called on the enforcer's thread, inside the enforcer's network namespace.
 *
 * <ul>
 *   <li>{@link #hostRoutes()} (the default): the interface of the node's host route to the pod's address
 *       ({@code 10.0.1.7/32 dev lxc1a2b} or {@code /128}), which is how routed CNI plugins (Calico, Cilium's and
 *       the reference {@code ptp} plugin, kube-router, AWS VPC CNI) wire pods. Only host routes without a gateway
 *       count, never the loopback: a pod reached through a subnet route or a bridge is not found (use {@link #fixed}).</li>
 *   <li>{@link #fixed(Map)}: an explicit {@code namespace/name} to interface table, for bridged or hand-made setups.</li>
 * </ul>
 *
 * {@snippet :
 * PodInterfaces routed = PodInterfaces.hostRoutes();
 * PodInterfaces handMade = PodInterfaces.fixed(Map.of("prod/api-0", "veth-api0"));
 * }
 */
@FunctionalInterface
public interface PodInterfaces {

    /**
     * @param localPods this node's pods that have addresses
     * @return each found pod's key ({@code namespace/name}) to its node-side interface name; pods without one are absent
     */
    Map<String, String> resolve(List<Pod> localPods);

    /** @return the host-route lookup described above, reading the calling thread's routing table */
    static PodInterfaces hostRoutes() {
        return pods -> {
            Map<InetAddress, String> routes = RouteTable.hostRoutes();
            Map<String, String> out = new LinkedHashMap<>();
            for (Pod p : pods) {
                for (InetAddress ip : p.ips()) {
                    String dev = routes.get(ip);
                    if (dev != null) {
                        out.putIfAbsent(p.key(), dev);
                    }
                }
            }
            return out;
        };
    }

    /**
     * @param byPod {@code namespace/name} to interface name
     * @return a lookup in that table
     */
    static PodInterfaces fixed(Map<String, String> byPod) {
        Map<String, String> table = new TreeMap<>(byPod);
        return pods -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (Pod p : pods) {
                String dev = table.get(p.key());
                if (dev != null) {
                    out.put(p.key(), dev);
                }
            }
            return out;
        };
    }
}
