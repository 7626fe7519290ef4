package dev.ebpf4j.k8s.model;

/** {@code externalTrafficPolicy} / {@code internalTrafficPolicy}: which endpoints may receive traffic. */
public enum TrafficPolicy {
    /** Any ready endpoint in the cluster (the default). */
    CLUSTER,
    /** Only endpoints on the node that received the traffic; none there means the traffic is refused. */
    LOCAL;

    /** Parses the API spelling; {@code null} is Cluster. */
    public static TrafficPolicy parse(String value) {
        if (value == null || value.isEmpty() || value.equals("Cluster")) return CLUSTER;
        if (value.equals("Local")) return LOCAL;
        throw new IllegalArgumentException("unknown traffic policy '" + value + "'; expected Cluster or Local");
    }
}
