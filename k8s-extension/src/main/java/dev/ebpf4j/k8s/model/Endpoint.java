package dev.ebpf4j.k8s.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One endpoint of an EndpointSlice.
 *
 * @param addresses  its addresses (the API allows several; consumers use the first)
 * @param conditions ready / serving / terminating
 * @param nodeName   the node hosting it, if known
 * @param zone       its zone, if known
 * @param zoneHints  {@code hints.forZones}: the zones whose nodes should send it their connections when the Service
 *                   routes by topology (set by the EndpointSlice controller); empty without hints
 */
public record Endpoint(List<InetAddress> addresses, EndpointConditions conditions, Optional<String> nodeName,
                       Optional<String> zone, java.util.Set<String> zoneHints) {
    /** Copies the address list; at least one address is required. */
    public Endpoint {
        addresses = List.copyOf(addresses);
        zoneHints = java.util.Set.copyOf(zoneHints);
        if (addresses.isEmpty()) throw new IllegalArgumentException("an endpoint needs at least one address");
        Objects.requireNonNull(conditions, "conditions");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(zone, "zone");
    }

    /** An endpoint without zone hints. */
    public Endpoint(List<InetAddress> addresses, EndpointConditions conditions, Optional<String> nodeName, Optional<String> zone) {
        this(addresses, conditions, nodeName, zone, java.util.Set.of());
    }

    /** A ready endpoint on a node. */
    public static Endpoint ready(InetAddress address, String nodeName) {
        return new Endpoint(List.of(address), EndpointConditions.READY, Optional.ofNullable(nodeName), Optional.empty());
    }

    /** The address the datapath uses. */
    public InetAddress address() {
        return addresses.getFirst();
    }

    /** This endpoint with other conditions. */
    public Endpoint withConditions(EndpointConditions c) {
        return new Endpoint(addresses, c, nodeName, zone, zoneHints);
    }

    /** This endpoint hinted for {@code zones}. */
    public Endpoint withZoneHints(java.util.Set<String> zones) {
        return new Endpoint(addresses, conditions, nodeName, zone, zones);
    }
}
