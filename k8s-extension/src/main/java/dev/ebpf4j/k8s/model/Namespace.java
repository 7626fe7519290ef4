package dev.ebpf4j.k8s.model;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A namespace and its labels, which namespaceSelectors match.
 *
 * @param name the namespace name
 * @param labels its labels
 */
public record Namespace(String name, Map<String, String> labels) {

    /** The label the API server sets on every namespace (since Kubernetes 1.21) to its own name. */
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";

    /** Copies the labels. */
    public Namespace {
        Objects.requireNonNull(name, "name");
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels == null ? Map.of() : labels));
    }

    /**
     * Builds a namespace as the API server would store it, with {@link #NAME_LABEL} added.
     *
     * @param name the namespace name
     * @param labels the user's labels
     * @return the namespace
     */
    public static Namespace of(String name, Map<String, String> labels) {
        Map<String, String> all = new TreeMap<>(labels);
        all.put(NAME_LABEL, name);
        return new Namespace(name, all);
    }

    /**
     * @param newLabels the replacement label set (the name label is kept)
     * @return this namespace with other labels
     */
    public Namespace withLabels(Map<String, String> newLabels) {
        return of(name, newLabels);
    }
}
