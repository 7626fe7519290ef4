package dev.ebpf4j.k8s.model;

import java.util.Objects;

/**
 * The namespace and name of a Service; also what an EndpointSlice points at through its
 * {@code kubernetes.io/service-name} label.
 *
 * @param namespace the namespace, never empty
 * @param name      the Service name, never empty
 */
public record ServiceName(String namespace, String name) implements Comparable<ServiceName> {
    /** Validates both parts. */
    public ServiceName {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (namespace.isEmpty() || name.isEmpty()) throw new IllegalArgumentException("namespace and name must not be empty");
    }

    /** Parses {@code namespace/name}. */
    public static ServiceName parse(String value) {
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            throw new IllegalArgumentException("expected namespace/name, got '" + value + "'");
        }
        return new ServiceName(value.substring(0, slash), value.substring(slash + 1));
    }

    @Override
    public int compareTo(ServiceName o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
