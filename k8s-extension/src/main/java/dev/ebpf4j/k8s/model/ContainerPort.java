package dev.ebpf4j.k8s.model;

import java.util.Objects;

/**
 * A port a pod's container declares; named ones are what NetworkPolicy named ports resolve to.
 *
 * @param name the IANA_SVC_NAME-style port name, or empty when unnamed
 * @param port the port number (1..65535)
 * @param protocol the protocol
 */
public record ContainerPort(String name, int port, L4Protocol protocol) {

    /** Validates the port range; a null name becomes empty. */
    public ContainerPort {
        name = name == null ? "" : name;
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("container port " + port + " out of range 1..65535");
        }
    }

    /**
     * @param name the port name
     * @param port the port number
     * @param protocol the protocol
     * @return a named container port
     */
    public static ContainerPort named(String name, int port, L4Protocol protocol) {
        return new ContainerPort(name, port, protocol);
    }
}
