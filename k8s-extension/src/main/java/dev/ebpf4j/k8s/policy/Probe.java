package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.Pod;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A connection attempt to decide: from a source address to a destination address, port and protocol. Pods are
 * recognised by their addresses, exactly as the datapath sees them.
 *
 * @param source the initiator's address
 * @param destination the responder's address
 * @param port the destination port
 * @param protocol the protocol
 */
public record Probe(InetAddress source, InetAddress destination, int port, L4Protocol protocol) {

    /** Validates the port. */
    public Probe {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("probe port " + port + " out of range 1..65535");
        }
    }

    /**
     * @param from the client pod (its first address)
     * @param to the server pod (its first address)
     * @param port the port
     * @param protocol the protocol
     * @return the probe
     */
    public static Probe between(Pod from, Pod to, int port, L4Protocol protocol) {
        if (from.ips().isEmpty() || to.ips().isEmpty()) {
            throw new IllegalArgumentException("both pods need an address to be probed: " + from.key() + ", " + to.key());
        }
        return new Probe(from.ips().getFirst(), to.ips().getFirst(), port, protocol);
    }

    @Override
    public String toString() {
        return source.getHostAddress() + " -> " + destination.getHostAddress() + ":" + port + "/" + protocol;
    }
}
