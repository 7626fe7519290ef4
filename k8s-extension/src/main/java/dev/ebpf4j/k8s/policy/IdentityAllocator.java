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
 * so a policy update rewrites only the entries that change. A label identity is derived from the label set itself
 * (SHA-256 of its canonical form, folded into {@code [FIRST_LABEL, FIRST_CIDR)}), so every node of a cluster gives
 * a pod the same identity without asking anyone, as Cilium's cluster-wide identities do; only when two label sets
 * hash alike does the later one take the next free number (order-dependent, logged).
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
    private int nextCidr = Identities.FIRST_CIDR;

    /**
     * @param set a label set
     * @return its identity, allocated on first use
     */
    public int labelIdentity(LabelSet set) {
        return labels.computeIfAbsent(set, s -> {
            int span = Identities.FIRST_CIDR - Identities.FIRST_LABEL;
            int id = Identities.FIRST_LABEL + Math.floorMod(hash(s), span);
            if (byId.containsKey(id)) {
                System.getLogger(IdentityAllocator.class.getName()).log(System.Logger.Level.WARNING,
                        "label identity " + id + " of " + s + " collides with " + byId.get(id) + ": this node numbers it apart");
                while (byId.containsKey(id)) id = Identities.FIRST_LABEL + Math.floorMod(id - Identities.FIRST_LABEL + 1, span);
            }
            byId.put(id, s);
            return id;
        });
    }

    private static int hash(LabelSet s) {
        StringBuilder canonical = new StringBuilder(s.namespace()).append('\0');
        s.podLabels().forEach((k, v) -> canonical.append(k).append('=').append(v).append('\0'));
        canonical.append('\1');
        s.namespaceLabels().forEach((k, v) -> canonical.append(k).append('=').append(v).append('\0'));
        canonical.append('\1');
        for (ContainerPort p : s.namedPorts()) canonical.append(p.name()).append('/').append(p.protocol()).append('/').append(p.port()).append('\0');
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(d).getInt();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
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
