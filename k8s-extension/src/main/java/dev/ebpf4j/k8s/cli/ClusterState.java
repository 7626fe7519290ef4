package dev.ebpf4j.k8s.cli;

import java.util.List;
import java.util.Map;

/**
 * The agent state the {@code service list}, {@code endpoint list} and {@code policy get} commands show, as the
 * datapath holds it. {@link PinnedState} reads it from the maps a running agent pinned; each method throws
 * {@link IllegalStateException} saying what is missing (e.g. no pins) when the state cannot be read.
 */
public interface ClusterState {
    /**
     * A Service frontend as programmed: {@code lb_services} entry and the backends its live slot table names.
     *
     * @param id              service id
     * @param frontend        {@code address:port/PROTO} ({@code *:port} for a node port)
     * @param type            {@code ClusterIP} for an address frontend (cluster, external or load-balancer IP: the map
     *                        does not tell them apart), {@code NodePort} for the wildcard address
     * @param revision        the slot table revision the entry points at
     * @param maglevSize      Maglev table size, 0 for random selection
     * @param affinityTimeout ClientIP affinity timeout in seconds, 0 for none
     * @param flags           {@code Local}, {@code Maglev}, {@code Affinity}
     * @param backends        the backends of slots {@code 0..count-1}, in slot order
     */
    record ServiceRow(int id, String frontend, String type, int revision, int maglevSize, int affinityTimeout,
                      List<String> flags, List<BackendRow> backends) {
        public ServiceRow {
            flags = List.copyOf(flags);
            backends = List.copyOf(backends);
        }
    }

    /**
     * A backend a service slot names.
     *
     * @param id      backend id
     * @param address {@code address:port}
     * @param state   {@code active}, {@code terminating}, or {@code missing} (a slot names an id that has no backend entry)
     */
    record BackendRow(int id, String address, String state) {}

    /**
     * A local pod endpoint from the policy endpoint map.
     *
     * @param id              endpoint id
     * @param address         the pod address (one row per address)
     * @param identity        the pod's security identity
     * @param ingressEnforced some policy isolates its ingress
     * @param egressEnforced  some policy isolates its egress
     * @param iface           the interface a host route sends the address to ({@code name(ifindex)}), {@code -} if none
     * @param datapath        whether the policy programs run on that interface's tcx hooks: {@code attached} (both
     *                        {@code policy_from_pod} on ingress and {@code policy_to_pod} on egress), {@code partial},
     *                        {@code detached}, or {@code -} without an interface
     */
    record EndpointRow(int id, String address, int identity, boolean ingressEnforced, boolean egressEnforced, String iface,
                       String datapath) {}

    /**
     * One allow entry of the policy map.
     *
     * @param endpointId the endpoint whose policy it is
     * @param direction  {@code ingress} or {@code egress}
     * @param peer       peer identity: a number, or {@code any}, {@code host}, {@code world}
     * @param protocol   {@code TCP}, {@code UDP}, {@code SCTP}, {@code ICMP}... or {@code any}
     * @param ports      {@code any}, one port, or a range {@code first-last}
     * @param ruleId     the rule that allows it
     */
    record PolicyRow(int endpointId, String direction, String peer, String protocol, String ports, int ruleId) {}

    /**
     * Policy datapath counters.
     *
     * @param revision policy revision the control plane last published
     * @param drops    drop counts by reason
     */
    record PolicyCounters(int revision, Map<String, Long> drops) {
        public PolicyCounters {
            drops = Map.copyOf(drops);
        }
    }

    /** The Service frontends, by id. */
    List<ServiceRow> services();

    /**
     * Every backend in the backend map, by id: also the terminating ones, which no slot names (they keep only
     * established flows) until the control plane deletes them.
     */
    List<BackendRow> backends();

    /** The local endpoint addresses, by endpoint id. */
    List<EndpointRow> endpoints();

    /** The policy map's allow entries, by endpoint, direction, peer, protocol and ports. */
    List<PolicyRow> policies();

    /** The policy revision and drop counters (summed over CPUs). */
    PolicyCounters policyCounters();

    /**
     * The conntrack tables found (NodePort {@code lb_ct}, {@code lb_snat}; {@code policy_conntrack}), absent ones left
     * out, with their entries by TCP state.
     */
    default List<dev.ebpf4j.k8s.conntrack.ConntrackOccupancy> conntrack() {
        throw new IllegalStateException("no conntrack tables in this state");
    }
}
