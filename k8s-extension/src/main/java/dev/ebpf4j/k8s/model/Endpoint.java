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
 */
public record Endpoint(List<InetAddress> addresses, EndpointConditions conditions, Optional<String> nodeName,
                       Optional<String> zone) {
    /** Copies the address list; at least one address is required. */
    public Endpoint {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) throw new IllegalArgumentException("an endpoint needs at least one address");
        Objects.requireNonNull(conditions, "conditions");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(zone, "zone");
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
        return new Endpoint(addresses, c, nodeName, zone);
    }
}
