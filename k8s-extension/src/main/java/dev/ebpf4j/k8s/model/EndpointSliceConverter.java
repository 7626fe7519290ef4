package dev.ebpf4j.k8s.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Converts fabric8 {@code discovery.k8s.io/v1} EndpointSlices into {@link EndpointSlice} records. Thread-safe. */
public final class EndpointSliceConverter {
    /** The label that names the owning Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private EndpointSliceConverter() {
    }

    /**
     * Converts a slice. A slice without the {@value #SERVICE_NAME_LABEL} label belongs to no Service, and an FQDN slice
     * has no addresses the datapath can use: both give {@link Optional#empty()}.
     *
     * @throws IllegalArgumentException when an address is not a literal of the slice's address type
     */
    public static Optional<EndpointSlice> convert(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice s) {
        var meta = s.getMetadata();
        if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
            throw new IllegalArgumentException("EndpointSlice without metadata.name");
        }
        String svc = meta.getLabels() == null ? null : meta.getLabels().get(SERVICE_NAME_LABEL);
        if (svc == null || svc.isEmpty()) return Optional.empty();
        AddressType type = AddressType.parse(s.getAddressType());
        if (type == AddressType.FQDN) return Optional.empty();
        String ns = meta.getNamespace() == null ? "default" : meta.getNamespace();
        List<Endpoint> endpoints = new ArrayList<>();
        if (s.getEndpoints() != null) {
            for (var e : s.getEndpoints()) {
                if (e.getAddresses() == null || e.getAddresses().isEmpty()) continue;
                var c = e.getConditions();
                EndpointConditions conditions = c == null ? EndpointConditions.of(null, null, null)
                        : EndpointConditions.of(c.getReady(), c.getServing(), c.getTerminating());
                endpoints.add(new Endpoint(IpLiterals.parseAll(e.getAddresses()), conditions,
                        Optional.ofNullable(e.getNodeName()), Optional.ofNullable(e.getZone()), zoneHints(e)));
            }
        }
        List<EndpointPort> ports = new ArrayList<>();
        if (s.getPorts() != null) {
            for (var p : s.getPorts()) {
                // A port without a number means "all ports" in the API, which Services never produce for LB use.
                if (p.getPort() == null) continue;
                ports.add(new EndpointPort(p.getName(), Protocol.parse(p.getProtocol()), p.getPort()));
            }
        }
        return Optional.of(new EndpointSlice(ns, meta.getName(), new ServiceName(ns, svc), type, endpoints, ports));
    }

    private static java.util.Set<String> zoneHints(io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e) {
        if (e.getHints() == null || e.getHints().getForZones() == null) return java.util.Set.of();
        java.util.Set<String> zones = new java.util.HashSet<>();
        for (var z : e.getHints().getForZones()) {
            if (z != null && z.getName() != null && !z.getName().isEmpty()) zones.add(z.getName());
        }
        return zones;
    }
}
