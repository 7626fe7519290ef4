package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A Service translation the LB datapath applied: the packet was addressed to {@code vip:vipPort} and now goes to the
 * flow's destination (the backend).
 *
 * @param vip     Service address the client used
 * @param vipPort Service port the client used
 */
public record ServiceTranslation(InetAddress vip, int vipPort) {
    public ServiceTranslation {
        Objects.requireNonNull(vip, "vip");
    }
}
