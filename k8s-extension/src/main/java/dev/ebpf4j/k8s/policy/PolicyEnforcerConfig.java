package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.conntrack.ConntrackTimeouts;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link PolicyEnforcer} needs to know about its node. Immutable; start from {@link #forNode(String)}.
 *
 * {@snippet :
 * PolicyEnforcerConfig config = PolicyEnforcerConfig.forNode("node-1")
 *         .withPinDirectory(Path.of("/sys/fs/bpf/ebpf4j"))      // maps under policy-v1/maps/, kept across restarts
 *         .withInterfaces(PodInterfaces.hostRoutes());           // the default
 * }
 *
 * @param node             this node's name: pods whose {@code spec.nodeName} is this are enforced here
 * @param pinDirectory     a bpffs directory to pin maps and links under ({@code <dir>/policy-v1/maps/<map>},
 *                         {@code <dir>/policy-v1/links/tcx-<interface>-<ingress|egress>}), so the datapath outlives
 *                         the process and a restart re-adopts it; empty: nothing is pinned and closing detaches
 * @param interfaces       how pods' node-side interfaces are found
 * @param networkNamespace the network namespace (file) of the node's pod interfaces, if not the process's own
 * @param hostAddresses    the node's own addresses (traffic from them to local pods is always allowed); empty:
 *                         every address on the node's interfaces, re-read at each sync
 * @param resync           how often interfaces are re-resolved without a cluster change (a pod's veth can appear
 *                         after its address is known)
 * @param conntrack        how long an accepted connection stays tracked after its last packet; the datapath
 *                         decides an older one anew, the agent's sweep deletes it
 */
public record PolicyEnforcerConfig(String node, Optional<Path> pinDirectory, PodInterfaces interfaces,
                                   Optional<Path> networkNamespace, Optional<List<InetAddress>> hostAddresses,
                                   Duration resync, ConntrackTimeouts conntrack) {

    /** Checks the values. */
    public PolicyEnforcerConfig {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(pinDirectory, "pinDirectory");
        Objects.requireNonNull(interfaces, "interfaces");
        Objects.requireNonNull(networkNamespace, "networkNamespace");
        hostAddresses = hostAddresses.map(List::copyOf);
        if (resync.isNegative() || resync.isZero()) throw new IllegalArgumentException("resync must be positive, got " + resync);
        Objects.requireNonNull(conntrack, "conntrack");
    }

    /** With the default conntrack timeouts ({@link ConntrackTimeouts#defaults()}). */
    public PolicyEnforcerConfig(String node, Optional<Path> pinDirectory, PodInterfaces interfaces,
                                Optional<Path> networkNamespace, Optional<List<InetAddress>> hostAddresses,
                                Duration resync) {
        this(node, pinDirectory, interfaces, networkNamespace, hostAddresses, resync, ConntrackTimeouts.defaults());
    }

    /**
     * @param node the node name
     * @return host-route interface lookup, no pins, the process's namespace, discovered host addresses, 10 s resync
     */
    public static PolicyEnforcerConfig forNode(String node) {
        return new PolicyEnforcerConfig(node, Optional.empty(), PodInterfaces.hostRoutes(), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(10));
    }

    /** @param dir the bpffs directory @return a copy pinning under {@code dir} */
    public PolicyEnforcerConfig withPinDirectory(Path dir) {
        return new PolicyEnforcerConfig(node, Optional.of(dir), interfaces, networkNamespace, hostAddresses, resync, conntrack);
    }

    /** @param lookup the interface lookup @return a copy using it */
    public PolicyEnforcerConfig withInterfaces(PodInterfaces lookup) {
        return new PolicyEnforcerConfig(node, pinDirectory, lookup, networkNamespace, hostAddresses, resync, conntrack);
    }

    /** @param netns a network namespace file such as {@code /run/netns/NAME} @return a copy working inside it */
    public PolicyEnforcerConfig withNetworkNamespace(Path netns) {
        return new PolicyEnforcerConfig(node, pinDirectory, interfaces, Optional.of(netns), hostAddresses, resync, conntrack);
    }

    /** @param addresses the node's own addresses @return a copy using exactly these */
    public PolicyEnforcerConfig withHostAddresses(List<InetAddress> addresses) {
        return new PolicyEnforcerConfig(node, pinDirectory, interfaces, networkNamespace, Optional.of(addresses), resync, conntrack);
    }

    /** @param timeouts the conntrack timeouts @return a copy loading the datapath with them */
    public PolicyEnforcerConfig withConntrack(ConntrackTimeouts timeouts) {
        return new PolicyEnforcerConfig(node, pinDirectory, interfaces, networkNamespace, hostAddresses, resync, timeouts);
    }

    /** @param period the resync period @return a copy using it */
    public PolicyEnforcerConfig withResync(Duration period) {
        return new PolicyEnforcerConfig(node, pinDirectory, interfaces, networkNamespace, hostAddresses, period, conntrack);
    }
}
