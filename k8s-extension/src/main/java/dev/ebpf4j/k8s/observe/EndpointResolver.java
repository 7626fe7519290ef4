package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Maps an IP address to the pod that owns it, for flow enrichment. Implementations must be thread-safe and fast
 * (called once per decoded flow endpoint); the Kubernetes wiring backs this with the informer caches.
 */
@FunctionalInterface
public interface EndpointResolver {
    /** The pod owning {@code address}, if known. */
    Optional<EndpointIdentity> resolve(InetAddress address);

    /** A resolver that knows no one. */
    static EndpointResolver none() {
        return address -> Optional.empty();
    }

    /** A resolver backed by a fixed map (tests, static setups). */
    static EndpointResolver of(Map<InetAddress, EndpointIdentity> byAddress) {
        Map<InetAddress, EndpointIdentity> copy = Map.copyOf(byAddress);
        return address -> Optional.ofNullable(copy.get(address));
    }
}
