package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One side of a flow: address and port, plus the owning pod when the resolver knows it.
 *
 * @param address  IP address
 * @param port     L4 port (0 when the protocol has none)
 * @param identity owning pod, or {@code null} when unknown (use {@link #pod()})
 */
public record FlowEndpoint(InetAddress address, int port, EndpointIdentity identity) {
    public FlowEndpoint {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
    }

    /** The owning pod, if known. */
    public Optional<EndpointIdentity> pod() {
        return Optional.ofNullable(identity);
    }

    /** Pod name or empty string. */
    public String podName() {
        return identity == null ? "" : identity.name();
    }

    /** Pod namespace or empty string. */
    public String namespace() {
        return identity == null ? "" : identity.namespace();
    }

    /** Pod labels (empty when unknown). */
    public Map<String, String> labels() {
        return identity == null ? Map.of() : identity.labels();
    }

    /** {@code ns/pod:port} when the pod is known, else {@code ip:port} (IPv6 in brackets). */
    public String display() {
        String host = identity != null ? identity.qualifiedName()
                : address instanceof java.net.Inet6Address ? "[" + Addresses.text(address) + "]" : Addresses.text(address);
        return port == 0 ? host : host + ":" + port;
    }
}
