package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.policy.ClusterState;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The mutable state behind a policy source: applies object events under one lock, publishes immutable snapshots and
 * delivers coalesced notifications on one daemon thread.
 */
final class PolicyStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PolicyStore.class.getName());

    private final Map<String, Namespace> namespaces = new TreeMap<>();
    private final Map<String, Pod> pods = new TreeMap<>();
    private final Map<String, NetworkPolicy> policies = new TreeMap<>();
    private final List<Consumer<PolicySnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService notifier;
    private long generation;
    private volatile PolicySnapshot current = PolicySnapshot.EMPTY;
    private volatile boolean publishing;

    PolicyStore(String threadName) {
        notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    void addListener(Consumer<PolicySnapshot> l) {
        listeners.add(l);
    }

    PolicySnapshot snapshot() {
        return current;
    }

    /** Whether changes are announced; off while the initial load is in progress. */
    void publishing(boolean on) {
        publishing = on;
        if (on) changed();
    }

    synchronized void putNamespace(Namespace n) {
        if (!n.equals(namespaces.put(n.name(), n))) changed();
    }

    synchronized void removeNamespace(String name) {
        if (namespaces.remove(name) != null) changed();
    }

    synchronized void putPod(Pod p) {
        if (!p.equals(pods.put(p.key(), p))) changed();
    }

    synchronized void removePod(String key) {
        if (pods.remove(key) != null) changed();
    }

    synchronized void putPolicy(NetworkPolicy p) {
        if (!p.equals(policies.put(p.key(), p))) changed();
    }

    synchronized void removePolicy(String key) {
        if (policies.remove(key) != null) changed();
    }

    /** Replaces everything at once (a manifest rescan), so listeners never see a half-loaded directory. */
    synchronized void replaceAll(List<Namespace> ns, List<Pod> ps, List<NetworkPolicy> nps) {
        namespaces.clear();
        pods.clear();
        policies.clear();
        ns.forEach(n -> namespaces.put(n.name(), n));
        ps.forEach(p -> pods.put(p.key(), p));
        nps.forEach(p -> policies.put(p.key(), p));
        changed();
    }

    private synchronized void changed() {
        current = new PolicySnapshot(new ClusterState(List.copyOf(namespaces.values()), List.copyOf(pods.values()),
                List.copyOf(policies.values()), Map.of()), ++generation);
        if (publishing && pending.compareAndSet(false, true)) {
            try {
                notifier.execute(this::deliver);
            } catch (RejectedExecutionException closed) {
                pending.set(false);
            }
        }
    }

    private void deliver() {
        pending.set(false);
        PolicySnapshot s = current;
        for (Consumer<PolicySnapshot> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "policy-state listener failed on generation " + s.generation(), e);
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
