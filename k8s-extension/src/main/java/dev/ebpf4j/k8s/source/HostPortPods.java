package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.HostPortServices;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a store's host-port Services ({@link HostPortServices}) equal to the pods it is told about: what a pod's
 * previous version contributed and its new one does not is removed, so a pod that drops a host port, moves or goes
 * away leaves nothing behind. Not thread-safe: callers serialize (informer handlers run on one thread per informer).
 */
final class HostPortPods {
    private final SnapshotStore store;
    private final Map<String, HostPortServices> byPod = new HashMap<>();

    HostPortPods(SnapshotStore store) {
        this.store = store;
    }

    /** The pod's current version (one that forwards no host port is like a removed one). */
    void put(Pod pod) {
        HostPortServices now = HostPortServices.of(pod);
        HostPortServices before = now.services().isEmpty() ? byPod.remove(pod.key()) : byPod.put(pod.key(), now);
        if (before != null) withdraw(before, now);
        now.services().forEach(store::putService);
        now.slices().forEach(store::putSlice);
    }

    /** The pod is gone. */
    void remove(String podKey) {
        HostPortServices before = byPod.remove(podKey);
        if (before != null) withdraw(before, new HostPortServices(List.of(), List.of()));
    }

    private void withdraw(HostPortServices before, HostPortServices now) {
        Set<String> slices = new HashSet<>();
        for (EndpointSlice s : now.slices()) slices.add(s.key());
        for (EndpointSlice s : before.slices()) if (!slices.contains(s.key())) store.removeSlice(s.key());
        Set<ServiceName> services = new HashSet<>();
        for (Service s : now.services()) services.add(s.id());
        for (Service s : before.services()) if (!services.contains(s.id())) store.removeService(s.id());
    }
}
