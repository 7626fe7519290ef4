package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.policy.PolicyMapLayout.EndpointEntry;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.IpcacheEntry;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.PolicyEntry;
import java.util.List;

/**
 * The datapath map contents for one node: what {@link PolicyCompiler} produces and both {@link PolicyDatapathModel}
 * and the kernel maps consume.
 *
 * @param node the node name
 * @param endpoints entries of {@value PolicyMapLayout#ENDPOINTS_MAP} (local pods)
 * @param ipcache entries of {@value PolicyMapLayout#IPCACHE_MAP} (all pod addresses, ipBlock prefixes, node addresses)
 * @param policy entries of {@value PolicyMapLayout#RULES_MAP}
 * @param rules the rule table: {@code PolicyEntry.ruleId} indexes it
 */
public record CompiledPolicy(String node, List<EndpointEntry> endpoints, List<IpcacheEntry> ipcache,
                             List<PolicyEntry> policy, List<Verdict.RuleRef> rules) {

    /** Copies the lists. */
    public CompiledPolicy {
        endpoints = List.copyOf(endpoints);
        ipcache = List.copyOf(ipcache);
        policy = List.copyOf(policy);
        rules = List.copyOf(rules);
    }
}
