package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.Protocol;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * <b>A simulation</b>: an in-memory model of the load-balancer maps and of the datapath's lookup, used to test the
 * control plane without a kernel. It stores exactly what the kernel maps store (service entries keyed by frontend,
 * slot and Maglev elements keyed by (service id, revision, index), backends keyed by id) and, after every step of
 * every plan, checks the invariants the BPF programs rely on, recording any violation.
 * Thread-safe: every method is synchronized, so a test can inspect it while a controller thread applies plans.
 */
public final class SimulatedLbDatapath implements LbDatapath {
    private record ElementKey(int serviceId, int revision, int index) {
    }

    private final Map<Frontend, ServiceEntry> services = new TreeMap<>();
    private final Map<ElementKey, Integer> slots = new HashMap<>();
    private final Map<ElementKey, Integer> maglev = new HashMap<>();
    private final Map<Integer, Backend> backends = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<Frontend, java.util.Set<dev.ebpf4j.k8s.model.Cidr>> sourceRanges = new TreeMap<>();
    private final java.util.Set<Frontend> restricted = new java.util.TreeSet<>();
    private long stepsApplied;

    @Override
    public synchronized void apply(UpdatePlan plan) {
        Map<Frontend, ServiceEntry> targets = plan.serviceWrites();
        for (UpdatePlan.Step step : plan.steps()) {
            Map<Frontend, Integer> countsBefore = new HashMap<>();
            services.forEach((f, e) -> countsBefore.put(f, e.count()));
            applyStep(step);
            stepsApplied++;
            check(step, countsBefore, targets);
        }
    }

    private void applyStep(UpdatePlan.Step step) {
        switch (step) {
            case UpdatePlan.PutBackends s -> s.backends().forEach(b -> backends.put(b.id(), b));
            case UpdatePlan.PutTables s -> s.tables().forEach(t -> {
                for (int i = 0; i < t.count(); i++) slots.put(new ElementKey(t.serviceId(), t.revision(), i), t.slot(i));
                for (int i = 0; i < t.maglevSize(); i++) maglev.put(new ElementKey(t.serviceId(), t.revision(), i), t.maglevEntry(i));
            });
            case UpdatePlan.PutServices s -> s.services().forEach(w -> {
                services.remove(w.frontend()); // keep the key object's kind current
                services.put(w.frontend(), w.entry());
            });
            case UpdatePlan.DeleteServices s -> s.frontends().forEach(services::remove);
            case UpdatePlan.DeleteTables s -> s.tables().forEach(t -> {
                for (int i = 0; i < t.count(); i++) slots.remove(new ElementKey(t.serviceId(), t.revision(), i));
                for (int i = 0; i < t.maglevSize(); i++) maglev.remove(new ElementKey(t.serviceId(), t.revision(), i));
            });
            case UpdatePlan.DeleteBackends s -> s.ids().forEach(backends::remove);
        }
    }

    /** Invariants after a step: no dangling reference, and no frontend drops to zero slots unless that is its target. */
    private void check(UpdatePlan.Step step, Map<Frontend, Integer> countsBefore, Map<Frontend, ServiceEntry> targets) {
        String where = "after step " + stepsApplied + " (" + step.getClass().getSimpleName() + "): ";
        for (var e : services.entrySet()) {
            ServiceEntry s = e.getValue();
            for (int i = 0; i < s.count(); i++) {
                Integer b = slots.get(new ElementKey(s.id(), s.revision(), i));
                if (b == null) violations.add(where + e.getKey() + " slot " + i + " of rev " + s.revision() + " missing");
                else if (!backends.containsKey(b)) violations.add(where + e.getKey() + " slot " + i + " -> missing backend " + b);
            }
            for (int i = 0; i < s.maglevSize(); i++) {
                Integer b = maglev.get(new ElementKey(s.id(), s.revision(), i));
                if (b == null || !backends.containsKey(b)) {
                    violations.add(where + e.getKey() + " maglev entry " + i + " dangling");
                    break;
                }
            }
            Integer before = countsBefore.get(e.getKey());
            ServiceEntry want = targets.getOrDefault(e.getKey(), s);
            if (s.count() == 0 && before != null && before > 0 && want != null && want.count() > 0) {
                violations.add(where + e.getKey() + " shows zero slots mid-update");
            }
        }
    }

    /** Invariant violations seen so far (empty when the control plane is correct). */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** Steps applied so far. */
    public synchronized long stepsApplied() {
        return stepsApplied;
    }

    /** The service map entry of a frontend key. */
    public synchronized Optional<ServiceEntry> service(InetAddress address, int port, Protocol protocol) {
        return Optional.ofNullable(services.get(new Frontend(address, port, protocol, FrontendKind.CLUSTER_IP)));
    }

    /** The backends in the live slots of a frontend, in slot order (empty for an unknown frontend). */
    public synchronized List<Backend> activeBackends(InetAddress address, int port, Protocol protocol) {
        ServiceEntry s = services.get(new Frontend(address, port, protocol, FrontendKind.CLUSTER_IP));
        List<Backend> out = new ArrayList<>();
        if (s == null) return out;
        for (int i = 0; i < s.count(); i++) {
            Integer id = slots.get(new ElementKey(s.id(), s.revision(), i));
            out.add(id == null ? null : backends.get(id));
        }
        return out;
    }

    /** Number of slot and Maglev elements stored, to check that old revisions are cleaned up. */
    public synchronized int tableElements() {
        return slots.size() + maglev.size();
    }

    /** The backend map. */
    public synchronized Map<Integer, Backend> backends() {
        return Map.copyOf(backends);
    }

    /** The content as an {@link LbState}-comparable snapshot of service entries. */
    public synchronized Map<Frontend, ServiceEntry> services() {
        return Map.copyOf(services);
    }

    /**
     * Mirrors the BPF programs' choice for a new connection: the Maglev entry {@code hash % size} when the entry has
     * the Maglev flag, else slot {@code hash % count}; empty when the frontend is unknown or has no active slot
     * (the connection is refused). {@code hash} stands for the flow hash the programs compute, which is already
     * mixed (lb_common.h {@code lb_mix64}); random selection in the kernel draws a fresh random number instead.
     */
    public synchronized Optional<Backend> select(InetAddress address, int port, Protocol protocol, long hash) {
        ServiceEntry s = services.get(new Frontend(address, port, protocol, FrontendKind.CLUSTER_IP));
        if (s == null || s.count() == 0) return Optional.empty();
        Integer id = s.has(ServiceEntry.FLAG_MAGLEV)
                ? maglev.get(new ElementKey(s.id(), s.revision(), (int) Long.remainderUnsigned(hash, s.maglevSize())))
                : slots.get(new ElementKey(s.id(), s.revision(), (int) Long.remainderUnsigned(hash, s.count())));
        return id == null ? Optional.empty() : Optional.ofNullable(backends.get(id));
    }

    @Override
    public synchronized void close() {
        services.clear();
        slots.clear();
        maglev.clear();
        backends.clear();
    }

    @Override
    public synchronized void sourceRanges(List<SourceRanges.Entry> entries, boolean remove) {
        for (SourceRanges.Entry e : entries) {
            if (e.range().isEmpty()) {
                if (remove) restricted.remove(e.frontend()); else restricted.add(e.frontend());
            } else if (remove) {
                var set = sourceRanges.get(e.frontend());
                if (set != null && set.remove(e.range().get()) && set.isEmpty()) sourceRanges.remove(e.frontend());
            } else {
                sourceRanges.computeIfAbsent(e.frontend(), k -> new java.util.HashSet<>()).add(e.range().get());
            }
        }
    }

    /** Mirrors lb_source_allowed: a restricted frontend admits only clients in one of its ranges. */
    public synchronized boolean sourceAllowed(Frontend frontend, java.net.InetAddress client) {
        if (!restricted.contains(frontend)) return true;
        return sourceRanges.getOrDefault(frontend, java.util.Set.of()).stream().anyMatch(c -> c.contains(client));
    }
}
