package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Services and EndpointSlices the application pushes itself: for embedding the load balancer under another
 * discovery system (Consul, a custom controller) or driving it from tests and benchmarks. Same contract as the
 * other sources: changes are coalesced and announced on one thread, snapshot and delta listeners alike; a change
 * costs what it touches. Thread-safe.
 *
 * {@snippet :
 * try (InMemorySource source = new InMemorySource()) {
 *     controller.follow(source);
 *     source.start(Duration.ZERO);
 *     source.putService(Service.clusterIp(name, vip, ports));
 *     source.putSlice(slice);              // the datapath follows within microseconds
 * }
 * }
 */
public final class InMemorySource implements ClusterSource {
    private final SnapshotStore store = new SnapshotStore("ebpf4j-k8s-memory-notify");

    /** An empty source; objects put before {@link #start} form the initial state. */
    public InMemorySource() {
    }

    /** Starts announcing changes (the initial state first). Never waits: the state is already here. */
    @Override
    public void start(Duration timeout) {
        store.publishing(true);
    }

    /** Adds or replaces a Service (an equal one is no change). */
    public void putService(Service service) {
        store.putService(service);
    }

    /** Removes a Service; its slices stay until removed. */
    public void removeService(ServiceName name) {
        store.removeService(name);
    }

    /** Adds or replaces an EndpointSlice, keyed by {@link EndpointSlice#key()}. */
    public void putSlice(EndpointSlice slice) {
        store.putSlice(slice);
    }

    /** Removes an EndpointSlice by {@code namespace/name}. */
    public void removeSlice(String key) {
        store.removeSlice(key);
    }

    /** Replaces everything at once; objects equal to those held are no change. */
    public void replaceAll(List<Service> services, List<EndpointSlice> slices) {
        store.replaceAll(services, slices);
    }

    @Override
    public ClusterSnapshot snapshot() {
        return store.snapshot();
    }

    @Override
    public void addListener(Consumer<ClusterSnapshot> listener) {
        store.addListener(listener);
    }

    @Override
    public void addDeltaListener(Consumer<ClusterDelta> listener) {
        store.addDeltaListener(listener);
    }

    /** Stops the notification thread. Idempotent. */
    @Override
    public void close() {
        store.close();
    }
}
