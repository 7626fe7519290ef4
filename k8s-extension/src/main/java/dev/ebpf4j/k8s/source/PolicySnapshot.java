package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.policy.ClusterState;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link PolicySource} knows at one moment: the namespaces, pods and NetworkPolicies as an immutable
 * {@link ClusterState}, numbered. Immutable.
 *
 * @param state      the namespaces, pods and policies (a source leaves {@link ClusterState#nodeAddresses()} empty:
 *                   the node's own addresses are the enforcer's to know)
 * @param generation increases with every change a source observed; equal generations mean equal content
 */
public record PolicySnapshot(ClusterState state, long generation) {
    /** Nothing known yet. */
    public static final PolicySnapshot EMPTY = new PolicySnapshot(new ClusterState(List.of(), List.of(), List.of(), Map.of()), 0);

    /** Checks the state is there. */
    public PolicySnapshot {
        Objects.requireNonNull(state, "state");
    }
}
