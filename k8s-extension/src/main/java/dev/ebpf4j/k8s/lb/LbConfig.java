package dev.ebpf4j.k8s.lb;

import java.util.Objects;

/**
 * Node-level load-balancer settings.
 *
 * <p>The LB maps stay allocated on demand ({@code BPF_F_NO_PREALLOC}) on purpose: a preallocated hash map recycles
 * a replaced element at once, so a program still reading the old value (a service entry, a slot, a backend) could
 * see another key's data and misroute a connection. On-demand elements are freed only after an RCU grace period.
 *
 * @param nodeName  this node's name, used by {@code Local} traffic policies; endpoints on other nodes are excluded
 *                  for such frontends
 * @param selection random or Maglev backend selection
 * @param nodePorts whether NodePort, external-IP and load-balancer-IP frontends are programmed (the TC path); when
 *                  false only cluster IPs are (the socket path)
 */
public record LbConfig(String nodeName, Selection selection, boolean nodePorts) {
    /** Validates the node name. */
    public LbConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(selection, "selection");
    }

    /** Random selection, all frontend kinds, for the given node. */
    public static LbConfig forNode(String nodeName) {
        return new LbConfig(nodeName, Selection.RANDOM, true);
    }

    /** This configuration with another selection algorithm. */
    public LbConfig withSelection(Selection s) {
        return new LbConfig(nodeName, s, nodePorts);
    }
}
