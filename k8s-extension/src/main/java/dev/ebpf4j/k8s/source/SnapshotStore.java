package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The mutable state behind a source: applies object events under one lock, publishes immutable snapshots, and
 * delivers coalesced notifications on one daemon thread.
 */
final class SnapshotStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SnapshotStore.class.getName());

    private final Map<ServiceName, Service> services = new TreeMap<>();
    private final Map<String, EndpointSlice> slices = new TreeMap<>();
    private final List<Consumer<ClusterSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService notifier;
    private long generation;
    private volatile ClusterSnapshot current = ClusterSnapshot.EMPTY;
    private volatile boolean publishing;

    SnapshotStore(String threadName) {
        notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    void addListener(Consumer<ClusterSnapshot> l) {
        listeners.add(l);
    }

    ClusterSnapshot snapshot() {
        return current;
    }

    /** Whether changes are announced to listeners; off while an initial load is in progress. */
    void publishing(boolean on) {
        publishing = on;
        if (on) changed();
    }

    synchronized void putService(Service s) {
        services.put(s.id(), s);
        changed();
    }

    synchronized void removeService(ServiceName id) {
        if (services.remove(id) != null) changed();
    }

    synchronized void putSlice(EndpointSlice s) {
        slices.put(s.key(), s);
        changed();
    }

    synchronized void removeSlice(String key) {
        if (slices.remove(key) != null) changed();
    }

    /** Replaces everything at once (a manifest rescan), so listeners never see a half-loaded directory. */
    synchronized void replaceAll(List<Service> newServices, List<EndpointSlice> newSlices) {
        services.clear();
        slices.clear();
        for (Service s : newServices) services.put(s.id(), s);
        for (EndpointSlice s : newSlices) slices.put(s.key(), s);
        changed();
    }

    private synchronized void changed() {
        current = new ClusterSnapshot(services, slices, ++generation);
        if (publishing && pending.compareAndSet(false, true)) {
            try {
                notifier.execute(this::deliver);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                pending.set(false);
            }
        }
    }

    private void deliver() {
        pending.set(false);
        ClusterSnapshot s = current;
        for (Consumer<ClusterSnapshot> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cluster-state listener failed on generation " + s.generation(), e);
            }
        }
    }

    @Override
    public void close() {
        notifier.shutdownNow();
        try {
            notifier.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
