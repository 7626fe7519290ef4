package dev.ebpf4j.k8s.source;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where Services and EndpointSlices come from: an API server ({@link InformerSource}) or a directory of manifests
 * ({@link ManifestDirectorySource}). A source keeps the current state, hands out immutable snapshots of it, and
 * notifies listeners after changes. Notifications are coalesced: a listener gets the newest snapshot, possibly
 * covering several changes, always on the source's single notification thread, never concurrently with itself.
 */
public interface ClusterSource extends AutoCloseable {
    /**
     * Starts watching and waits until the initial state is loaded (the informers' first list, or the first scan).
     *
     * @throws IllegalStateException when the initial state did not arrive in time (its cause is a
     *                               {@link java.util.concurrent.TimeoutException})
     */
    void start(Duration timeout);

    /** The current state; after {@link #start} it contains at least the initial state. */
    ClusterSnapshot snapshot();

    /** Registers a listener for snapshots after changes. Register before {@link #start} to see the initial one. */
    void addListener(Consumer<ClusterSnapshot> listener);

    /**
     * Registers a listener for what changed: its first delta is {@linkplain ClusterDelta#full() full}, later ones list
     * only the Services touched since the previous one, on the same thread and with the same coalescing as snapshot
     * listeners. The built-in sources deliver deltas without copying their state, so that a change costs what it
     * touches; this default derives them from snapshots (a full comparison per snapshot) for other sources.
     */
    default void addDeltaListener(Consumer<ClusterDelta> listener) {
        addListener(new SnapshotDiff(listener));
    }

    /**
     * Whether the source currently follows its origin: false while an API server is unreachable (the snapshot then
     * holds the last state seen, and the source reconnects by itself). Always true for local sources.
     */
    default boolean connected() {
        return true;
    }

    /**
     * The origin's objects this source ignores because they are malformed, as "Kind namespace/name" to the reason
     * (each was logged once); empty for sources that refuse nothing.
     */
    default java.util.Map<String, String> rejected() {
        return java.util.Map.of();
    }

    /** Stops watching and the notification thread. Idempotent. */
    @Override
    void close();
}
