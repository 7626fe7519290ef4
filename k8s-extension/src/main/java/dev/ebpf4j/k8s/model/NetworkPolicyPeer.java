package dev.ebpf4j.k8s.model;

/**
 * One {@code from}/{@code to} entry of a NetworkPolicy rule. Exactly one form is set: pods (podSelector and/or
 * namespaceSelector) or an ipBlock.
 *
 * <ul>
 *   <li>podSelector only: pods in the policy's own namespace matching it;</li>
 *   <li>namespaceSelector only: all pods in namespaces matching it;</li>
 *   <li>both: pods matching podSelector inside namespaces matching namespaceSelector;</li>
 *   <li>ipBlock: addresses in the block, whether or not they belong to pods.</li>
 * </ul>
 *
 * @param podSelector the pod selector, or null
 * @param namespaceSelector the namespace selector, or null
 * @param ipBlock the address block, or null
 */
public record NetworkPolicyPeer(LabelSelector podSelector, LabelSelector namespaceSelector, IpBlock ipBlock) {

    /** Validates that exactly one form is used, as the API server does. */
    public NetworkPolicyPeer {
        boolean pods = podSelector != null || namespaceSelector != null;
        if (pods == (ipBlock != null)) {
            throw new IllegalArgumentException(
                    "a peer sets either podSelector/namespaceSelector or ipBlock, exactly one of the two forms");
        }
    }

    /**
     * @param podSelector pods of the policy's namespace
     * @return a podSelector-only peer
     */
    public static NetworkPolicyPeer pods(LabelSelector podSelector) {
        return new NetworkPolicyPeer(podSelector, null, null);
    }

    /**
     * @param namespaceSelector namespaces whose pods all match
     * @return a namespaceSelector-only peer
     */
    public static NetworkPolicyPeer namespaces(LabelSelector namespaceSelector) {
        return new NetworkPolicyPeer(null, namespaceSelector, null);
    }

    /**
     * @param podSelector the pod selector
     * @param namespaceSelector the namespace selector
     * @return a peer that needs both to match
     */
    public static NetworkPolicyPeer podsInNamespaces(LabelSelector podSelector, LabelSelector namespaceSelector) {
        return new NetworkPolicyPeer(podSelector, namespaceSelector, null);
    }

    /**
     * @param block the address block
     * @return an ipBlock peer
     */
    public static NetworkPolicyPeer ipBlock(IpBlock block) {
        return new NetworkPolicyPeer(null, null, block);
    }

    /** @return whether this peer selects pods (rather than an address block) */
    public boolean selectsPods() {
        return ipBlock == null;
    }

    @Override
    public String toString() {
        if (ipBlock != null) {
            return "ipBlock " + ipBlock;
        }
        return (podSelector == null ? "" : "pods" + podSelector)
                + (podSelector != null && namespaceSelector != null ? " in " : "")
                + (namespaceSelector == null ? "" : "namespaces" + namespaceSelector);
    }
}
