package dev.ebpf4j.k8s.model;

import java.util.Objects;

/**
 * A port of an EndpointSlice; its name matches the Service port it serves.
 *
 * @param name     the Service port name ("" for an unnamed port)
 * @param protocol TCP, UDP or SCTP
 * @param port     the resolved port number on the endpoints
 */
public record EndpointPort(String name, Protocol protocol, int port) {
    /** Validates the port. */
    public EndpointPort {
        name = name == null ? "" : name;
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("endpoint port out of range: " + port);
    }
}
