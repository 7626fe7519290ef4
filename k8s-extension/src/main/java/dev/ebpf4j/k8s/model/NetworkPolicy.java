package dev.ebpf4j.k8s.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code networking.k8s.io/v1} NetworkPolicy.
 *
 * @param namespace the namespace it lives in (it selects pods of this namespace only)
 * @param name its name
 * @param podSelector the pods it applies to (empty selector: all pods of the namespace)
 * @param policyTypes the declared {@code spec.policyTypes}; empty when the field was omitted
 * @param ingress the ingress rules
 * @param egress the egress rules
 */
public record NetworkPolicy(String namespace, String name, LabelSelector podSelector, Set<PolicyType> policyTypes,
                            List<NetworkPolicyRule> ingress, List<NetworkPolicyRule> egress) {

    /** Copies the collections. */
    public NetworkPolicy {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        podSelector = podSelector == null ? LabelSelector.everything() : podSelector;
        policyTypes = policyTypes == null || policyTypes.isEmpty() ? Set.of()
                : java.util.Collections.unmodifiableSet(EnumSet.copyOf(policyTypes));
        ingress = List.copyOf(ingress == null ? List.of() : ingress);
        egress = List.copyOf(egress == null ? List.of() : egress);
    }

    /**
     * The directions this policy isolates. When {@code policyTypes} is omitted: Ingress always, plus Egress when
     * the policy has egress rules (the API server's defaulting).
     *
     * @return the effective policy types
     */
    public Set<PolicyType> effectivePolicyTypes() {
        if (!policyTypes.isEmpty()) {
            return policyTypes;
        }
        return egress.isEmpty() ? EnumSet.of(PolicyType.INGRESS) : EnumSet.of(PolicyType.INGRESS, PolicyType.EGRESS);
    }

    /**
     * @param type a direction
     * @return the rules for that direction
     */
    public List<NetworkPolicyRule> rules(PolicyType type) {
        return type == PolicyType.INGRESS ? ingress : egress;
    }

    /** @return {@code namespace/name} */
    public String key() {
        return namespace + "/" + name;
    }
}
