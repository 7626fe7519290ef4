package dev.ebpf4j.k8s.lb;

import java.util.Objects;

/**
 * Node-level load-balancer settings.
 *
 * @param nodeName         this node's name, used by {@code Local} traffic policies; endpoints on other nodes are
 *                         excluded for such frontends
 * @param selection        random or Maglev backend selection
 * @param nodePorts        whether NodePort, external-IP and load-balancer-IP frontends are programmed (the TC path);
 *                         when false only cluster IPs are (the socket path)
 * @param preallocatedMaps whether the service, slot and backend maps preallocate their elements: map writes (and so
 *                         syncs) get several times faster, for about 45 MB of kernel memory reserved up front at the
 *                         default sizes; off by default, like Cilium, so that an idle node does not pay for it
 */
public record LbConfig(String nodeName, Selection selection, boolean nodePorts, boolean preallocatedMaps) {
    /** Validates the node name. */
    public LbConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(selection, "selection");
    }

    /** Settings with maps allocated on demand. */
    public LbConfig(String nodeName, Selection selection, boolean nodePorts) {
        this(nodeName, selection, nodePorts, false);
    }

    /** Random selection, all frontend kinds, for the given node. */
    public static LbConfig forNode(String nodeName) {
        return new LbConfig(nodeName, Selection.RANDOM, true);
    }

    /** This configuration with another selection algorithm. */
    public LbConfig withSelection(Selection s) {
        return new LbConfig(nodeName, s, nodePorts, preallocatedMaps);
    }

    /** This configuration with preallocated (or on-demand) service, slot and backend maps. */
    public LbConfig withPreallocatedMaps(boolean on) {
        return new LbConfig(nodeName, selection, nodePorts, on);
    }
}
