package dev.ebpf4j.k8s.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pod as NetworkPolicy sees it: where it lives, its labels, its addresses and its declared container ports.
 *
 * @param namespace the namespace name
 * @param name the pod name
 * @param labels the pod's labels
 * @param ips the pod's addresses ({@code status.podIPs}); empty until the pod has been scheduled and wired
 * @param node the node name ({@code spec.nodeName}), empty string while unscheduled
 * @param ports the container ports of all its containers
 */
public record Pod(String namespace, String name, Map<String, String> labels, List<InetAddress> ips, String node,
                  List<ContainerPort> ports) {

    /** Copies the collections. */
    public Pod {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
        ips = List.copyOf(ips == null ? List.of() : ips);
        node = node == null ? "" : node;
        ports = List.copyOf(ports == null ? List.of() : ports);
    }

    /** @return {@code namespace/name} */
    public String key() {
        return namespace + "/" + name;
    }

    /**
     * Resolves a NetworkPolicy named port on this pod: the container port with that name and protocol.
     *
     * @param portName the name
     * @param protocol the protocol the policy port names
     * @return the port number, or empty when no container port has that name and protocol
     */
    public Optional<Integer> resolvePort(String portName, L4Protocol protocol) {
        for (ContainerPort p : ports) {
            if (p.name().equals(portName) && p.protocol() == protocol) {
                return Optional.of(p.port());
            }
        }
        return Optional.empty();
    }

    /**
     * @param newLabels the replacement labels
     * @return this pod with other labels
     */
    public Pod withLabels(Map<String, String> newLabels) {
        return new Pod(namespace, name, newLabels, ips, node, ports);
    }
}
