package dev.ebpf4j.k8s.lb;

/**
 * Whether NodePort, external-IP and load-balancer-IP traffic is translated at XDP on the node's external interfaces,
 * before the kernel builds a socket buffer, besides the tcx programs (which stay: they translate the replies and
 * whatever XDP leaves to them). XDP handles unfragmented IPv4 TCP and UDP without IP options to backends on this
 * node; fragments, options, other protocols and flows that need {@link NodePortMode SNAT or DSR} (remote backends)
 * pass up untouched to tcx. Both share the conntrack, so replies are translated the same way.
 */
public enum NodePortAcceleration {
    /** tcx only (the default). */
    NONE,
    /**
     * XDP in the driver (veth, most physical NICs); where the driver refuses a native program, generic XDP on that
     * interface instead.
     */
    XDP_NATIVE,
    /** Generic (skb-based) XDP: works on every interface, gains less. */
    XDP_GENERIC;

    /** Whether an XDP program is attached. */
    public boolean xdp() {
        return this != NONE;
    }
}
