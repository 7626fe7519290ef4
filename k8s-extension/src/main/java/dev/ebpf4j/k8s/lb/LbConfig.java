package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.conntrack.ConntrackTimeouts;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Node-level load-balancer settings.
 *
 * <p>The LB maps stay allocated on demand ({@code BPF_F_NO_PREALLOC}) on purpose: a preallocated hash map recycles
 * a replaced element at once, so a program still reading the old value (a service entry, a slot, a backend) could
 * see another key's data and misroute a connection. On-demand elements are freed only after an RCU grace period.
 *
 * @param nodeName     this node's name, used by {@code Local} traffic policies; endpoints on other nodes are excluded
 *                     for such frontends
 * @param selection    random or Maglev backend selection
 * @param nodePorts    whether NodePort, external-IP and load-balancer-IP frontends are programmed (the TC path); when
 *                     false only cluster IPs are (the socket path)
 * @param nodePortMode how such traffic reaches backends on other nodes
 * @param nodeAddress  this node's IPv4 address, the source of {@link NodePortMode#SNAT SNAT}ed packets; without it
 *                     remote backends are only DNATed (their replies then do not come back through this node)
 * @param conntrack    how long NodePort flows (lb_ct, lb_snat) live after their last packet; the datapath treats an
 *                     older entry as absent, the agent's sweep deletes it
 * @param zone         this node's zone ({@code topology.kubernetes.io/zone}); with it, topology-aware Services send new
 *                     connections to the endpoints hinted for it, under kube-proxy's conditions; without it they use
 *                     every endpoint
 * @param maglevTableSize with {@link Selection#MAGLEV}, the size of every Service's table (a prime from
 *                     {@value #MIN_MAGLEV_TABLE}; Cilium's {@code bpf-lb-maglev-table-size}), so it never resizes as
 *                     backends come and go; a Service with more backends than that gets the automatic size. 0 (the
 *                     default): automatic, the smallest prime above 100 × backends, kept while it stays within 4× of that
 * @param acceleration whether NodePort traffic is also translated at XDP on the external interfaces
 *                     ({@link NodePortAcceleration#NONE} by default: tcx only)
 * @param nodeAddresses this node's addresses ({@link NodeAddresses#ofThisNamespace()}): pods' {@code hostPort}s are
 *                     served on them (exactly, so that traffic to other addresses on that port is left alone); empty:
 *                     no host ports
 */
public record LbConfig(String nodeName, Selection selection, boolean nodePorts, NodePortMode nodePortMode,
                       Optional<Inet4Address> nodeAddress, ConntrackTimeouts conntrack, Optional<String> zone,
                       int maglevTableSize, NodePortAcceleration acceleration, List<InetAddress> nodeAddresses) {
    /** The smallest fixed Maglev table size accepted (Cilium's smallest too). */
    public static final int MIN_MAGLEV_TABLE = 251;

    /** Validates the node name. */
    public LbConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(nodePortMode, "nodePortMode");
        Objects.requireNonNull(nodeAddress, "nodeAddress");
        Objects.requireNonNull(conntrack, "conntrack");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(acceleration, "acceleration");
        nodeAddresses = List.copyOf(nodeAddresses);
        if (acceleration.xdp() && !nodePorts) {
            throw new IllegalArgumentException("NodePort acceleration " + acceleration + " needs nodePorts = true");
        }
        if (maglevTableSize != 0 && (maglevTableSize < MIN_MAGLEV_TABLE || !Maglev.isPrime(maglevTableSize)
                || maglevTableSize > Maglev.MAX_TABLE)) {
            throw new IllegalArgumentException("a Maglev table size must be a prime from " + MIN_MAGLEV_TABLE + " to "
                    + Maglev.MAX_TABLE + " (such as 16381 or 65521), or 0 for automatic; got " + maglevTableSize);
        }
    }

    /** Without node addresses (so without host ports). */
    public LbConfig(String nodeName, Selection selection, boolean nodePorts, NodePortMode nodePortMode,
                    Optional<Inet4Address> nodeAddress, ConntrackTimeouts conntrack, Optional<String> zone,
                    int maglevTableSize, NodePortAcceleration acceleration) {
        this(nodeName, selection, nodePorts, nodePortMode, nodeAddress, conntrack, zone, maglevTableSize, acceleration,
                List.of());
    }

    /** Without NodePort acceleration. */
    public LbConfig(String nodeName, Selection selection, boolean nodePorts, NodePortMode nodePortMode,
                    Optional<Inet4Address> nodeAddress, ConntrackTimeouts conntrack, Optional<String> zone,
                    int maglevTableSize) {
        this(nodeName, selection, nodePorts, nodePortMode, nodeAddress, conntrack, zone, maglevTableSize,
                NodePortAcceleration.NONE);
    }

    /** With the automatic Maglev table size. */
    public LbConfig(String nodeName, Selection selection, boolean nodePorts, NodePortMode nodePortMode,
                    Optional<Inet4Address> nodeAddress, ConntrackTimeouts conntrack, Optional<String> zone) {
        this(nodeName, selection, nodePorts, nodePortMode, nodeAddress, conntrack, zone, 0);
    }

    /** Without a zone. */
    public LbConfig(String nodeName, Selection selection, boolean nodePorts, NodePortMode nodePortMode,
                    Optional<Inet4Address> nodeAddress, ConntrackTimeouts conntrack) {
        this(nodeName, selection, nodePorts, nodePortMode, nodeAddress, conntrack, Optional.empty());
    }

    /** With the default conntrack timeouts ({@link ConntrackTimeouts#defaults()}). */
    public LbConfig(String nodeName, Selection selection, boolean nodePorts, NodePortMode nodePortMode,
                    Optional<Inet4Address> nodeAddress) {
        this(nodeName, selection, nodePorts, nodePortMode, nodeAddress, ConntrackTimeouts.defaults());
    }

    /** SNAT mode without a node address: remote NodePort backends are DNATed only (a single-node setup). */
    public LbConfig(String nodeName, Selection selection, boolean nodePorts) {
        this(nodeName, selection, nodePorts, NodePortMode.SNAT, Optional.empty());
    }

    /** Random selection, all frontend kinds, for the given node. */
    public static LbConfig forNode(String nodeName) {
        return new LbConfig(nodeName, Selection.RANDOM, true);
    }

    /** This configuration with another selection algorithm. */
    public LbConfig withSelection(Selection s) {
        return new LbConfig(nodeName, s, nodePorts, nodePortMode, nodeAddress, conntrack, zone, maglevTableSize, acceleration, nodeAddresses);
    }

    /** This configuration forwarding NodePort traffic for remote backends in {@code mode}, from {@code address}. */
    public LbConfig withNodePortMode(NodePortMode mode, Inet4Address address) {
        return new LbConfig(nodeName, selection, nodePorts, mode, Optional.of(address), conntrack, zone, maglevTableSize, acceleration, nodeAddresses);
    }

    /** This configuration with other conntrack timeouts. */
    public LbConfig withConntrack(ConntrackTimeouts timeouts) {
        return new LbConfig(nodeName, selection, nodePorts, nodePortMode, nodeAddress, timeouts, zone, maglevTableSize, acceleration, nodeAddresses);
    }

    /** This configuration for a node in {@code zone}. */
    public LbConfig withZone(String zone) {
        if (zone.isEmpty()) throw new IllegalArgumentException("an empty zone: leave the zone out instead");
        return new LbConfig(nodeName, selection, nodePorts, nodePortMode, nodeAddress, conntrack, Optional.of(zone), maglevTableSize, acceleration, nodeAddresses);
    }

    /** This configuration with every Maglev table of {@code size} entries (a prime), or automatic sizes with 0. */
    public LbConfig withMaglevTableSize(int size) {
        return new LbConfig(nodeName, selection, nodePorts, nodePortMode, nodeAddress, conntrack, zone, size, acceleration, nodeAddresses);
    }

    /** This configuration translating NodePort traffic at XDP too ({@link NodePortAcceleration}), or not. */
    public LbConfig withNodePortAcceleration(NodePortAcceleration a) {
        return new LbConfig(nodeName, selection, nodePorts, nodePortMode, nodeAddress, conntrack, zone, maglevTableSize, a, nodeAddresses);
    }

    /** This configuration serving pods' host ports on {@code addresses}, this node's. */
    public LbConfig withNodeAddresses(List<InetAddress> addresses) {
        return new LbConfig(nodeName, selection, nodePorts, nodePortMode, nodeAddress, conntrack, zone, maglevTableSize,
                acceleration, addresses);
    }
}
