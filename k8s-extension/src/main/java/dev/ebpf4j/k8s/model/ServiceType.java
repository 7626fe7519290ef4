package dev.ebpf4j.k8s.model;

/** {@code spec.type} of a Service. ExternalName Services carry no load-balancing state and are not modelled. */
public enum ServiceType {
    /** Reachable on its cluster IPs only. */
    CLUSTER_IP,
    /** ClusterIP plus a port on every node. */
    NODE_PORT,
    /** NodePort plus external load-balancer ingress IPs. */
    LOAD_BALANCER,
    /**
     * Not an API type: the {@code hostPort}s of one pod, forwarded from the node it runs on only. Made by
     * {@link HostPortServices}; it has no cluster IP and is not headless.
     */
    HOST_PORT;

    /** Parses the API spelling ({@code ClusterIP}, {@code NodePort}, {@code LoadBalancer}); {@code null} is ClusterIP. */
    public static ServiceType parse(String value) {
        if (value == null || value.isEmpty()) return CLUSTER_IP;
        return switch (value) {
            case "ClusterIP" -> CLUSTER_IP;
            case "NodePort" -> NODE_PORT;
            case "LoadBalancer" -> LOAD_BALANCER;
            default -> throw new IllegalArgumentException("unsupported Service type '" + value
                    + "'; expected ClusterIP, NodePort or LoadBalancer");
        };
    }

    /** Whether Services of this type open a port on every node. */
    public boolean hasNodePorts() {
        return this == NODE_PORT || this == LOAD_BALANCER;
    }
}
