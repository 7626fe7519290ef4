package dev.ebpf4j.k8s.observe;

import java.util.Map;
import java.util.Objects;

/**
 * Who owns an address: a pod (name, namespace, labels) as an {@link EndpointResolver} knows it.
 *
 * @param name      pod name
 * @param namespace pod namespace
 * @param labels    pod labels (copied)
 */
public record EndpointIdentity(String name, String namespace, Map<String, String> labels) {
    public EndpointIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        labels = Map.copyOf(labels);
    }

    /** {@code namespace/name}, hubble's pod notation. */
    public String qualifiedName() {
        return namespace + "/" + name;
    }
}
