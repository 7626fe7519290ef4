package dev.ebpf4j.k8s.model;

/** {@code addressType} of an EndpointSlice. */
public enum AddressType {
    /** IPv4 addresses. */
    IPV4,
    /** IPv6 addresses. */
    IPV6,
    /** Domain names; the load balancer ignores such slices. */
    FQDN;

    /** Parses the API spelling ({@code IPv4}, {@code IPv6}, {@code FQDN}). */
    public static AddressType parse(String value) {
        return switch (value == null ? "" : value) {
            case "IPv4" -> IPV4;
            case "IPv6" -> IPV6;
            case "FQDN" -> FQDN;
            default -> throw new IllegalArgumentException("unknown addressType '" + value + "'; expected IPv4, IPv6 or FQDN");
        };
    }
}
