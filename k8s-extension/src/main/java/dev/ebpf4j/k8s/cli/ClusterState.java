package dev.ebpf4j.k8s.cli;

import java.util.List;
import java.util.Map;

/**
 * The agent state the {@code service list}, {@code endpoint list} and {@code policy get} commands show. The
 * Kubernetes wiring implements it over the LB and policy controllers; {@link #disconnected()} says so when there is
 * no agent in this process.
 */
public interface ClusterState {
    /** A Service frontend and its backends, as programmed into the datapath. */
    record ServiceRow(int id, String frontend, String type, List<String> backends) {
        public ServiceRow {
            backends = List.copyOf(backends);
        }
    }

    /** A local pod endpoint. */
    record EndpointRow(int id, String namespace, String pod, String ip, Map<String, String> labels,
                       boolean ingressEnforced, boolean egressEnforced, String iface) {
        public EndpointRow {
            labels = Map.copyOf(labels);
        }
    }

    /** A NetworkPolicy as enforced. */
    record PolicyRow(String namespace, String name, String podSelector, List<String> rules) {
        public PolicyRow {
            rules = List.copyOf(rules);
        }
    }

    /** Whether this process is attached to a running agent (else the lists are empty for that reason). */
    boolean connected();

    List<ServiceRow> services();

    List<EndpointRow> endpoints();

    List<PolicyRow> policies();

    /** A state with no agent behind it. */
    static ClusterState disconnected() {
        return new ClusterState() {
            public boolean connected() { return false; }
            public List<ServiceRow> services() { return List.of(); }
            public List<EndpointRow> endpoints() { return List.of(); }
            public List<PolicyRow> policies() { return List.of(); }
        };
    }
}
