package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What changed in a source since the previous delta it delivered to a listener: the current inputs of every Service
 * whose Service object or EndpointSlices changed. A consumer that applies each delivered delta in order holds the
 * source's state without ever copying it, so the cost of a change is the cost of the Services it touched. Immutable.
 *
 * {@snippet :
 * source.addDeltaListener(delta -> {
 *     for (ClusterDelta.ServiceChange c : delta.changes()) {
 *         System.out.println(c.name() + (c.service().isPresent() ? " changed" : " is gone"));
 *     }
 * });
 * }
 *
 * @param generation the source generation this delta brings a listener up to
 * @param full       whether {@code changes} lists every Service the source knows (a listener's first delta, or one
 *                   after a bulk reload), so that Services not listed are absent
 * @param changes    one entry per changed Service, in Service-name order
 */
public record ClusterDelta(long generation, boolean full, List<ServiceChange> changes) {
    /** Copies the list. */
    public ClusterDelta {
        changes = List.copyOf(changes);
    }

    /**
     * The current inputs of one Service.
     *
     * @param name    the Service's namespace/name
     * @param service the Service, or empty when it was deleted (its slices may still exist)
     * @param slices  every EndpointSlice that currently points at the Service, in slice-name order
     */
    public record ServiceChange(ServiceName name, Optional<Service> service, List<EndpointSlice> slices) {
        /** Copies the list. */
        public ServiceChange {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(service, "service");
            slices = List.copyOf(slices);
        }
    }
}
