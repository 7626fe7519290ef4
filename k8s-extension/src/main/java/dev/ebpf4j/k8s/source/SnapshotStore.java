package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The mutable state behind a source: applies object events under one lock, remembers which Services they touched,
 * and delivers coalesced notifications on one daemon thread. A change costs O(1) map updates: snapshots are only
 * materialized (a full copy) when someone asks for one, while delta listeners get just the touched Services.
 */
final class SnapshotStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SnapshotStore.class.getName());

    /** A delta listener and whether it still needs a full first delta. */
    private static final class DeltaListener {
        final Consumer<ClusterDelta> consumer;
        boolean needsFull = true;

        DeltaListener(Consumer<ClusterDelta> consumer) {
            this.consumer = consumer;
        }
    }

    private final Map<ServiceName, Service> services = new HashMap<>();
    private final Map<String, EndpointSlice> slices = new HashMap<>();
    private final Map<ServiceName, Map<String, EndpointSlice>> slicesByService = new HashMap<>();
    private final Set<ServiceName> touched = new TreeSet<>();
    private final List<Consumer<ClusterSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final List<DeltaListener> deltaListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService notifier;
    private long generation;
    private ClusterSnapshot materialized = ClusterSnapshot.EMPTY;
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

    void addDeltaListener(Consumer<ClusterDelta> l) {
        deltaListeners.add(new DeltaListener(l));
        if (publishing) changed(); // a late listener gets its full first delta without waiting for a change
    }

    synchronized ClusterSnapshot snapshot() {
        if (materialized.generation() != generation) materialized = new ClusterSnapshot(services, slices, generation);
        return materialized;
    }

    /** Whether changes are announced to listeners; off while an initial load is in progress. */
    void publishing(boolean on) {
        publishing = on;
        if (on) changed();
    }

    synchronized void putService(Service s) {
        Service old = services.put(s.id(), s);
        if (!s.equals(old)) touch(s.id());
        else services.put(s.id(), old); // keep the instance consumers already know: an equal object is no change
    }

    synchronized void removeService(ServiceName id) {
        if (services.remove(id) != null) touch(id);
    }

    synchronized void putSlice(EndpointSlice s) {
        EndpointSlice old = slices.put(s.key(), s);
        if (s.equals(old)) {
            slices.put(s.key(), old);
            return;
        }
        if (old != null && !old.service().equals(s.service())) unindex(old);
        slicesByService.computeIfAbsent(s.service(), k -> new TreeMap<>()).put(s.key(), s);
        touch(s.service());
        if (old != null && !old.service().equals(s.service())) touch(old.service());
    }

    synchronized void removeSlice(String key) {
        EndpointSlice old = slices.remove(key);
        if (old == null) return;
        unindex(old);
        touch(old.service());
    }

    private void unindex(EndpointSlice s) {
        Map<String, EndpointSlice> m = slicesByService.get(s.service());
        if (m == null) return;
        m.remove(s.key());
        if (m.isEmpty()) slicesByService.remove(s.service());
    }

    /**
     * Replaces everything at once (a manifest rescan), so listeners never see a half-loaded directory. Objects equal
     * to the ones held keep their old instances, so only real differences reach listeners.
     */
    synchronized void replaceAll(List<Service> newServices, List<EndpointSlice> newSlices) {
        Map<ServiceName, Service> s = new HashMap<>();
        for (Service x : newServices) s.put(x.id(), x);
        Map<String, EndpointSlice> e = new HashMap<>();
        for (EndpointSlice x : newSlices) e.put(x.key(), x);
        for (ServiceName id : List.copyOf(services.keySet())) if (!s.containsKey(id)) removeService(id);
        for (String key : List.copyOf(slices.keySet())) if (!e.containsKey(key)) removeSlice(key);
        s.values().forEach(this::putService);
        e.values().forEach(this::putSlice);
        changed(); // a rescan is announced even when it changed nothing, as before
    }

    private void touch(ServiceName id) {
        generation++;
        touched.add(id);
        changed();
    }

    private void changed() {
        if (publishing && pending.compareAndSet(false, true)) {
            try {
                notifier.execute(this::deliver);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                pending.set(false);
            }
        }
    }

    /** The inputs of one Service as held now. Caller holds the lock. */
    private ClusterDelta.ServiceChange inputs(ServiceName id) {
        Map<String, EndpointSlice> m = slicesByService.get(id);
        return new ClusterDelta.ServiceChange(id, Optional.ofNullable(services.get(id)),
                m == null ? List.of() : new ArrayList<>(m.values()));
    }

    private void deliver() {
        pending.set(false);
        ClusterSnapshot snapshot = null;
        ClusterDelta delta = null, full = null;
        synchronized (this) {
            if (!listeners.isEmpty()) snapshot = snapshot();
            boolean anyFull = false;
            for (DeltaListener l : deltaListeners) anyFull |= l.needsFull;
            if (!deltaListeners.isEmpty() && !touched.isEmpty()) {
                List<ClusterDelta.ServiceChange> changes = new ArrayList<>(touched.size());
                for (ServiceName id : touched) changes.add(inputs(id));
                delta = new ClusterDelta(generation, false, changes);
            }
            if (anyFull) {
                Set<ServiceName> all = new TreeSet<>(services.keySet());
                all.addAll(slicesByService.keySet());
                List<ClusterDelta.ServiceChange> changes = new ArrayList<>(all.size());
                for (ServiceName id : all) changes.add(inputs(id));
                full = new ClusterDelta(generation, true, changes);
            }
            touched.clear();
        }
        if (snapshot != null) {
            for (Consumer<ClusterSnapshot> l : listeners) {
                try {
                    l.accept(snapshot);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cluster-state listener failed on generation " + snapshot.generation(), e);
                }
            }
        }
        for (DeltaListener l : deltaListeners) {
            ClusterDelta d = l.needsFull ? full : delta;
            if (d == null) continue;
            l.needsFull = false;
            try {
                l.consumer.accept(d);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cluster-delta listener failed on generation " + d.generation(), e);
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
