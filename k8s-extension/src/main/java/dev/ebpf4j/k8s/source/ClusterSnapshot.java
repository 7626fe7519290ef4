package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consistent view of the Services and EndpointSlices a source knows at one moment. Immutable.
 *
 * @param services   Services by namespace/name
 * @param slices     EndpointSlices by {@code namespace/name} of the slice
 * @param generation increases with every change a source observed; equal generations mean equal content
 */
public record ClusterSnapshot(Map<ServiceName, Service> services, Map<String, EndpointSlice> slices, long generation) {
    /** Nothing known yet. */
    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(Map.of(), Map.of(), 0);

    /** Copies into sorted, unmodifiable maps. */
    public ClusterSnapshot {
        services = Collections.unmodifiableMap(new TreeMap<>(services));
        slices = Collections.unmodifiableMap(new TreeMap<>(slices));
    }

    /** A snapshot of the given objects, keyed by their names. */
    public static ClusterSnapshot of(List<Service> services, List<EndpointSlice> slices, long generation) {
        Map<ServiceName, Service> s = new TreeMap<>();
        for (Service x : services) s.put(x.id(), x);
        Map<String, EndpointSlice> e = new TreeMap<>();
        for (EndpointSlice x : slices) e.put(x.key(), x);
        return new ClusterSnapshot(s, e, generation);
    }

    /** The slices that belong to a Service, in slice-name order. */
    public List<EndpointSlice> slicesOf(ServiceName service) {
        List<EndpointSlice> out = new ArrayList<>();
        for (EndpointSlice s : slices.values()) {
            if (s.service().equals(service)) out.add(s);
        }
        return out;
    }
}
