package dev.ebpf4j.k8s.model;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A port a pod's container declares; named ones are what NetworkPolicy named ports resolve to, and one with a
 * {@code hostPort} is forwarded from its node (see {@link HostPortServices}).
 *
 * @param name the IANA_SVC_NAME-style port name, or empty when unnamed
 * @param port the port number (1..65535)
 * @param protocol the protocol
 * @param hostPort the node port forwarded to it ({@code hostPort}), 0 for none
 * @param hostIp the node address the host port is bound to ({@code hostIP}); empty for every node address (also when
 *               the manifest says {@code 0.0.0.0} or {@code ::})
 */
public record ContainerPort(String name, int port, L4Protocol protocol, int hostPort, Optional<InetAddress> hostIp) {

    /** Validates the port ranges; a null name becomes empty, a wildcard host IP none. */
    public ContainerPort {
        name = name == null ? "" : name;
        Objects.requireNonNull(protocol, "protocol");
        hostIp = hostIp == null ? Optional.empty() : hostIp.filter(a -> !a.isAnyLocalAddress());
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("container port " + port + " out of range 1..65535");
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw new IllegalArgumentException("hostPort " + hostPort + " of container port " + port + " out of range 1..65535");
        }
        if (hostPort == 0 && hostIp.isPresent()) {
            throw new IllegalArgumentException("container port " + port + " has hostIP " + hostIp.get().getHostAddress()
                    + " but no hostPort; set hostPort or remove hostIP");
        }
    }

    /** A port without a host port. */
    public ContainerPort(String name, int port, L4Protocol protocol) {
        this(name, port, protocol, 0, Optional.empty());
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

    /**
     * @param hostPort the node port to forward
     * @return this port forwarded from {@code hostPort} on every node address
     */
    public ContainerPort withHostPort(int hostPort) {
        return new ContainerPort(name, port, protocol, hostPort, hostIp);
    }
}
