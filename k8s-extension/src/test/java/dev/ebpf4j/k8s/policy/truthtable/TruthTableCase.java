package dev.ebpf4j.k8s.policy.truthtable;

import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.policy.ClusterState;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One upstream-style policy case: steps that change the cluster (create, update, delete policies, relabel) and,
 * after each, the expected matrices per port and protocol.
 *
 * @param name the case name (upstream's test title where the case comes from upstream)
 * @param steps the steps, applied cumulatively to {@link TruthTableModel#initialState()}
 */
public record TruthTableCase(String name, List<Step> steps) {

    /**
     * @param description what the step does
     * @param change the state change
     * @param checks the expectations after the change
     */
    public record Step(String description, UnaryOperator<ClusterState> change, List<Check> checks) {
    }

    /**
     * @param port the probed port
     * @param protocol the probed protocol
     * @param expected the expected matrix
     */
    public record Check(int port, L4Protocol protocol, Reachability expected) {
    }

    @Override
    public String toString() {
        return name;
    }
}
