package dev.ebpf4j.k8s.lb;

/** Where a frontend address comes from; decides which traffic policy applies and which datapath serves it. */
public enum FrontendKind {
    /** A Service cluster IP; served by the cgroup socket hooks; internalTrafficPolicy applies. */
    CLUSTER_IP,
    /** A node port on any node address (wildcard address); served by TC; externalTrafficPolicy applies. */
    NODE_PORT,
    /** A {@code spec.externalIPs} address; served by TC; externalTrafficPolicy applies. */
    EXTERNAL_IP,
    /** A load-balancer ingress IP; served by TC; externalTrafficPolicy applies. */
    LOAD_BALANCER,
    /**
     * A pod's {@code hostPort} on its own node: on each of the node's addresses ({@link LbConfig#nodeAddresses()}) or
     * on its {@code hostIP} if that is one of them, exactly (not under the node-port wildcard, which the TC program
     * matches for any destination); served by TC from outside and by the socket hooks from the node and its pods;
     * only that pod backs it.
     */
    HOST_PORT;

    /** Whether external traffic policy (rather than internal) governs this kind. */
    public boolean external() {
        return this != CLUSTER_IP;
    }
}
