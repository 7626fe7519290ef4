package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.ContainerPort;
import dev.ebpf4j.k8s.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Allocates identities and keeps them stable across compilations: the same label set always gets the same number,
 * so a policy update rewrites only the entries that change.
 *
 * <p>A label identity stands for (namespace, pod labels, namespace labels, named container ports). Pods with equal
 * labels in the same namespace share one; the named ports are part of it because an egress rule's named port
 * resolves on the destination pod, so two pods sharing an identity must resolve names alike. Not thread-safe.
 */
public final class IdentityAllocator {

    /**
     * What a label identity stands for.
     *
     * @param namespace the namespace
     * @param podLabels the pod labels
     * @param namespaceLabels the namespace labels
     * @param namedPorts the named container ports, sorted
     */
    public record LabelSet(String namespace, Map<String, String> podLabels, Map<String, String> namespaceLabels,
                           List<ContainerPort> namedPorts) {

        /** Copies and sorts. */
        public LabelSet {
            podLabels = java.util.Collections.unmodifiableMap(new TreeMap<>(podLabels));
            namespaceLabels = java.util.Collections.unmodifiableMap(new TreeMap<>(namespaceLabels));
            namedPorts = namedPorts.stream().filter(p -> !p.name().isEmpty())
                    .sorted(Comparator.comparing(ContainerPort::name).thenComparing(ContainerPort::protocol)).toList();
        }

        /**
         * @return a pod with exactly these labels and ports, on which selectors and named ports evaluate as on any
         *     pod of the identity
         */
        public Pod representative() {
            return new Pod(namespace, "identity", podLabels, List.of(), "", namedPorts);
        }
    }

    private final Map<LabelSet, Integer> labels = new HashMap<>();
    private final Map<Integer, LabelSet> byId = new HashMap<>();
    private final Map<String, Integer> cidrs = new HashMap<>();
    private int nextLabel = Identities.FIRST_LABEL;
    private int nextCidr = Identities.FIRST_CIDR;

    /**
     * @param set a label set
     * @return its identity, allocated on first use
     */
    public int labelIdentity(LabelSet set) {
        return labels.computeIfAbsent(set, s -> {
            int id = nextLabel++;
            byId.put(id, s);
            return id;
        });
    }

    /**
     * @param identity a label identity
     * @return what it stands for, if it is one this allocator made
     */
    public Optional<LabelSet> labels(int identity) {
        return Optional.ofNullable(byId.get(identity));
    }

    /**
     * @param key a canonical description of a set of matching ipBlocks (and, for a pod address, its label identity)
     * @return its CIDR identity, allocated on first use
     */
    int cidrIdentity(String key) {
        return cidrs.computeIfAbsent(key, k -> nextCidr++);
    }

    /** @return the label identities allocated so far, in allocation order */
    public List<Integer> labelIdentities() {
        List<Integer> ids = new ArrayList<>(byId.keySet());
        ids.sort(null);
        return ids;
    }
}
