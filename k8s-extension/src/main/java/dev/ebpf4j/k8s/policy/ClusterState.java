package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.Pod;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable snapshot of what NetworkPolicy decisions depend on: namespaces, pods, policies and the addresses of
 * each node (traffic from a pod's own node is always allowed in).
 *
 * @param namespaces the namespaces
 * @param pods the pods
 * @param policies the policies
 * @param nodeAddresses node name to the node's own addresses
 */
public record ClusterState(List<Namespace> namespaces, List<Pod> pods, List<NetworkPolicy> policies,
                           Map<String, List<InetAddress>> nodeAddresses) {

    /**
     * Copies the collections, ordering pods and policies by namespace/name, so that no decision depends on the order
     * a source listed them (an address two pods claim belongs to the first by namespace/name, and of policies
     * allowing the same traffic the first by namespace/name is reported). Sources that keep objects sorted (the
     * informer and manifest stores do) pay a linear check.
     */
    public ClusterState {
        namespaces = List.copyOf(namespaces);
        pods = sorted(pods, ObjectKeys.PODS);
        policies = sorted(policies, ObjectKeys.POLICIES);
        if (!(nodeAddresses instanceof FrozenNodes)) {
            Map<String, List<InetAddress>> nodes = new TreeMap<>();
            nodeAddresses.forEach((k, v) -> nodes.put(k, List.copyOf(v)));
            nodeAddresses = new FrozenNodes(java.util.Collections.unmodifiableMap(nodes));
        }
    }

    /**
     * @param name a namespace name
     * @return the namespace; one the snapshot does not know has only the name label the API server sets
     */
    public Namespace namespace(String name) {
        for (Namespace n : namespaces) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        return Namespace.of(name, Map.of());
    }

    /**
     * @param address an address
     * @return the pod owning it, if any
     */
    public Optional<Pod> podByIp(InetAddress address) {
        for (Pod p : pods) {
            if (p.ips().contains(address)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * @param namespace the namespace
     * @param name the pod name
     * @return the pod
     * @throws IllegalArgumentException if there is no such pod
     */
    public Pod pod(String namespace, String name) {
        return pods.stream().filter(p -> p.namespace().equals(namespace) && p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod " + namespace + "/" + name));
    }

    /**
     * @param policy a policy to create, or to replace the one with the same namespace and name
     * @return the new snapshot
     */
    public ClusterState withPolicy(NetworkPolicy policy) {
        return new ClusterState(namespaces, pods, replaced(policies, policy, ObjectKeys.POLICIES), nodeAddresses);
    }

    /**
     * @param namespace the policy's namespace
     * @param name the policy's name
     * @return the new snapshot without that policy
     */
    public ClusterState withoutPolicy(String namespace, String name) {
        List<NetworkPolicy> list = new ArrayList<>(policies);
        list.removeIf(p -> p.namespace().equals(namespace) && p.name().equals(name));
        return new ClusterState(namespaces, pods, list, nodeAddresses);
    }

    /**
     * @param pod a pod to add, or to replace the one with the same namespace and name
     * @return the new snapshot
     */
    public ClusterState withPod(Pod pod) {
        return new ClusterState(namespaces, replaced(pods, pod, ObjectKeys.PODS), policies, nodeAddresses);
    }

    /**
     * @param namespace a namespace to add, or to replace the one with the same name
     * @return the new snapshot
     */
    public ClusterState withNamespace(Namespace namespace) {
        List<Namespace> list = new ArrayList<>(namespaces);
        list.removeIf(n -> n.name().equals(namespace.name()));
        list.add(namespace);
        return new ClusterState(list, pods, policies, nodeAddresses);
    }

    /** A list known to be in order (made by {@link #replaced} or checked once), so the next snapshot skips the check. */
    private static final class Ordered<T> extends java.util.AbstractList<T> implements java.util.RandomAccess {
        private final List<T> items;

        /** @param items a list nobody else holds (a fresh copy) or an immutable one */
        Ordered(List<T> items) {
            this.items = items;
        }

        @Override
        public T get(int index) {
            return items.get(index);
        }

        @Override
        public int size() {
            return items.size();
        }
    }

    /** Node addresses already copied by a snapshot: the next one built from it shares them. */
    private static final class FrozenNodes extends java.util.AbstractMap<String, List<InetAddress>> {
        private final Map<String, List<InetAddress>> nodes;

        FrozenNodes(Map<String, List<InetAddress>> nodes) {
            this.nodes = nodes;
        }

        @Override
        public java.util.Set<Entry<String, List<InetAddress>>> entrySet() {
            return nodes.entrySet();
        }

        @Override
        public List<InetAddress> get(Object key) {
            return nodes.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return nodes.containsKey(key);
        }
    }

    /** {@code items} with {@code item} in place of the one with its key, or inserted in order: a binary search. */
    private static <T> List<T> replaced(List<T> items, T item, java.util.Comparator<T> order) {
        List<T> copy = new ArrayList<>(items);
        if (!(items instanceof Ordered)) copy.sort(order);
        int at = java.util.Collections.binarySearch(copy, item, order);
        if (at >= 0) copy.set(at, item);
        else copy.add(-at - 1, item);
        return new Ordered<>(copy);
    }

    private static <T> List<T> sorted(List<T> items, java.util.Comparator<T> order) {
        if (items instanceof Ordered) return items;
        for (int i = 1; i < items.size(); i++) {
            if (order.compare(items.get(i - 1), items.get(i)) > 0) {
                List<T> copy = new ArrayList<>(items);
                copy.sort(order);
                return new Ordered<>(copy);
            }
        }
        return new Ordered<>(List.copyOf(items));
    }
}
