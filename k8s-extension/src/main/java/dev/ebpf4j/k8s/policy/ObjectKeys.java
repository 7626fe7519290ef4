package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.Pod;
import java.util.Comparator;

/**
 * The order of objects in a {@link ClusterState}: that of their {@code namespace/name} keys as strings (the order the
 * sources' sorted stores hold them in), compared without building the key strings, because every snapshot of a
 * large cluster is checked against it.
 */
final class ObjectKeys {

    /** Pods by {@link Pod#key()}. */
    static final Comparator<Pod> PODS = (a, b) -> compare(a.namespace(), a.name(), b.namespace(), b.name());
    /** Policies by {@link NetworkPolicy#key()}. */
    static final Comparator<NetworkPolicy> POLICIES = (a, b) -> compare(a.namespace(), a.name(), b.namespace(), b.name());

    private ObjectKeys() {
    }

    /** Compares {@code ns1 + "/" + n1} with {@code ns2 + "/" + n2} as strings. */
    static int compare(String ns1, String n1, String ns2, String n2) {
        if (ns1.equals(ns2)) return n1.compareTo(n2);
        if (!ns1.startsWith(ns2) && !ns2.startsWith(ns1)) return ns1.compareTo(ns2); // they differ before a '/'
        int len1 = ns1.length() + 1 + n1.length();
        int len2 = ns2.length() + 1 + n2.length();
        for (int i = 0, end = Math.min(len1, len2); i < end; i++) {
            char c1 = charAt(ns1, n1, i);
            char c2 = charAt(ns2, n2, i);
            if (c1 != c2) return c1 - c2;
        }
        return len1 - len2;
    }

    private static char charAt(String ns, String name, int i) {
        return i < ns.length() ? ns.charAt(i) : i == ns.length() ? '/' : name.charAt(i - ns.length() - 1);
    }
}
