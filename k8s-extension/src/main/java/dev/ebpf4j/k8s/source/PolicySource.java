package dev.ebpf4j.k8s.source;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where NetworkPolicy enforcement's inputs come from: Namespaces, Pods and NetworkPolicies from an API server
 * ({@link PolicyInformerSource}) or from a directory of manifests ({@link PolicyManifestSource}). The same contract as
 * {@link ClusterSource}: a source keeps the current state, hands out immutable snapshots of it and notifies listeners
 * after changes, coalesced (a listener gets the newest snapshot, possibly covering several changes), always on the
 * source's single notification thread, never concurrently with itself.
 */
public interface PolicySource extends AutoCloseable {
    /**
     * Starts watching and waits until the initial state is loaded (the informers' first list, or the first scan).
     *
     * @param timeout how long to wait for the initial state
     * @throws IllegalStateException when the initial state did not arrive in time (its cause is a
     *                               {@link java.util.concurrent.TimeoutException})
     */
    void start(Duration timeout);

    /** @return the current state; after {@link #start} it contains at least the initial state */
    PolicySnapshot snapshot();

    /**
     * Registers a listener for snapshots after changes. Register before {@link #start} to see the initial one.
     *
     * @param listener called on the notification thread
     */
    void addListener(Consumer<PolicySnapshot> listener);

    /**
     * @return the objects ignored because they are malformed, "Kind namespace/name" to the reason; empty for sources
     *     that refuse bad input at start instead
     */
    default java.util.Map<String, String> rejected() {
        return java.util.Map.of();
    }

    /** Stops watching and the notification thread. Idempotent. */
    @Override
    void close();
}
