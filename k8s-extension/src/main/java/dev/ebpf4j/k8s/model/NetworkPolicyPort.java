package dev.ebpf4j.k8s.model;

import java.util.Objects;

/**
 * One {@code ports} entry of a NetworkPolicy rule.
 *
 * @param protocol the protocol (the API default is TCP)
 * @param port the first port number, or 0 when the entry names a port or matches all ports of the protocol
 * @param endPort the last port of a range (inclusive), or 0 when the entry is not a range
 * @param portName the named port, resolved on the destination pod, or empty
 */
public record NetworkPolicyPort(L4Protocol protocol, int port, int endPort, String portName) {

    /** Validates as the API server does. */
    public NetworkPolicyPort {
        Objects.requireNonNull(protocol, "protocol");
        portName = portName == null ? "" : portName;
        if (port < 0 || port > 65535 || endPort < 0 || endPort > 65535) {
            throw new IllegalArgumentException("port numbers must be in 1..65535");
        }
        if (!portName.isEmpty() && (port != 0 || endPort != 0)) {
            throw new IllegalArgumentException("a named port '" + portName + "' cannot also have numbers or endPort");
        }
        if (endPort != 0 && (port == 0 || endPort < port)) {
            throw new IllegalArgumentException("endPort " + endPort + " needs a numeric port <= endPort (port " + port + ")");
        }
    }

    /**
     * @param protocol the protocol
     * @return an entry matching every port of the protocol
     */
    public static NetworkPolicyPort all(L4Protocol protocol) {
        return new NetworkPolicyPort(protocol, 0, 0, "");
    }

    /**
     * @param protocol the protocol
     * @param port the port number
     * @return an entry matching one port
     */
    public static NetworkPolicyPort number(L4Protocol protocol, int port) {
        return new NetworkPolicyPort(protocol, port, 0, "");
    }

    /**
     * @param protocol the protocol
     * @param port the first port
     * @param endPort the last port, inclusive
     * @return an entry matching the range
     */
    public static NetworkPolicyPort range(L4Protocol protocol, int port, int endPort) {
        return new NetworkPolicyPort(protocol, port, endPort, "");
    }

    /**
     * @param protocol the protocol
     * @param name the container port name
     * @return an entry matching the named port of the destination pod
     */
    public static NetworkPolicyPort named(L4Protocol protocol, String name) {
        return new NetworkPolicyPort(protocol, 0, 0, name);
    }

    /** @return whether the entry names a port */
    public boolean isNamed() {
        return !portName.isEmpty();
    }

    /** @return the last port number covered: endPort for ranges, else port; 0 when all or named */
    public int lastPort() {
        return endPort != 0 ? endPort : port;
    }

    @Override
    public String toString() {
        String p = isNamed() ? portName : port == 0 ? "*" : endPort != 0 ? port + "-" + endPort : String.valueOf(port);
        return protocol + "/" + p;
    }
}
