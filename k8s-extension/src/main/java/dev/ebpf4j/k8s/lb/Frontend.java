package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.Protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.Objects;

/**
 * An address the datapath answers for: the key of the service map. Node ports use the wildcard address of their
 * family ({@code 0.0.0.0} or {@code ::}) because they apply to every node address.
 *
 * @param address  the VIP, or the wildcard address for a node port
 * @param port     the port on that address
 * @param protocol TCP, UDP or SCTP
 * @param kind     where the frontend comes from (not part of the key: equality ignores it)
 */
public record Frontend(InetAddress address, int port, Protocol protocol, FrontendKind kind) implements Comparable<Frontend> {
    private static final Comparator<Frontend> ORDER = Comparator
            .comparing(Frontend::address, AddressOrder.ADDRESSES)
            .thenComparingInt(Frontend::port)
            .thenComparing(Frontend::protocol);

    /** Validates the port. */
    public Frontend {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(kind, "kind");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("frontend port out of range: " + port);
    }

    /** The wildcard address node ports are keyed under, for the family of {@code sample}. */
    public static InetAddress wildcard(InetAddress sample) {
        return InetAddress.ofLiteral(sample instanceof Inet6Address ? "::" : "0.0.0.0");
    }

    /** Whether the address is IPv6. */
    public boolean ipv6() {
        return !(address instanceof Inet4Address);
    }

    /** Equality is the datapath key's: address, port and protocol; the kind is descriptive. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Frontend f && f.address.equals(address) && f.port == port && f.protocol == protocol;
    }

    @Override
    public int hashCode() {
        return (address.hashCode() * 31 + port) * 31 + protocol.hashCode();
    }

    @Override
    public int compareTo(Frontend o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        String a = ipv6() ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return a + ":" + port + "/" + protocol + " (" + kind + ")";
    }
}
