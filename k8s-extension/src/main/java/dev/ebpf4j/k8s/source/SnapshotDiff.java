package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Turns successive snapshots into {@link ClusterDelta}s by comparing each Service's inputs with the previous
 * snapshot's (by identity, then equality). Used for sources that only produce snapshots. Not thread-safe: sources
 * call their listeners from one thread.
 */
final class SnapshotDiff implements Consumer<ClusterSnapshot> {
    private final Consumer<ClusterDelta> target;
    private Map<ServiceName, Service> services;
    private Map<ServiceName, List<EndpointSlice>> slices;

    SnapshotDiff(Consumer<ClusterDelta> target) {
        this.target = target;
    }

    @Override
    public void accept(ClusterSnapshot snapshot) {
        Map<ServiceName, List<EndpointSlice>> bySvc = new HashMap<>();
        for (EndpointSlice s : snapshot.slices().values()) bySvc.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s);
        TreeSet<ServiceName> names = new TreeSet<>(snapshot.services().keySet());
        names.addAll(bySvc.keySet());
        boolean full = services == null;
        if (!full) {
            names.addAll(services.keySet());
            names.addAll(slices.keySet());
        }
        List<ClusterDelta.ServiceChange> changes = new ArrayList<>();
        for (ServiceName n : names) {
            Service s = snapshot.services().get(n);
            List<EndpointSlice> sl = bySvc.getOrDefault(n, List.of());
            if (!full && java.util.Objects.equals(s, services.get(n)) && sl.equals(slices.getOrDefault(n, List.of()))) continue;
            if (full && s == null && sl.isEmpty()) continue;
            changes.add(new ClusterDelta.ServiceChange(n, Optional.ofNullable(s), sl));
        }
        services = snapshot.services();
        slices = bySvc;
        if (full || !changes.isEmpty()) target.accept(new ClusterDelta(snapshot.generation(), full, changes));
    }
}
