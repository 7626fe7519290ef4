package dev.ebpf4j.k8s.model;

import java.util.Objects;

/**
 * One entry of a Service's {@code spec.ports}.
 *
 * @param name       the port name; empty when the Service has a single unnamed port
 * @param protocol   TCP, UDP or SCTP
 * @param port       the port on the cluster IPs, external IPs and load-balancer IPs
 * @param targetPort the port on the endpoints, a number or a name
 * @param nodePort   the port on every node, or 0 when the Service has none
 */
public record ServicePort(String name, Protocol protocol, int port, TargetPort targetPort, int nodePort) {
    /** Validates ports and fills defaults (targetPort = port). */
    public ServicePort {
        name = name == null ? "" : name;
        Objects.requireNonNull(protocol, "protocol");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        if (nodePort < 0 || nodePort > 65535) throw new IllegalArgumentException("nodePort out of range: " + nodePort);
        if (targetPort == null) targetPort = new TargetPort.Number(port);
    }

    /** A port without node port whose target is the same number. */
    public static ServicePort of(String name, Protocol protocol, int port) {
        return new ServicePort(name, protocol, port, new TargetPort.Number(port), 0);
    }
}
