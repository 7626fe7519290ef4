package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.PolicyMapLayout;

import java.net.InetAddress;
import java.util.List;

/**
 * The policy map entries behind the site's {@code endpoint list} and {@code policy get} examples: a v4 pod (identity
 * 7, ingress enforced) and a v6 pod (identity 8, egress enforced), the world CIDR, four rules, revision 5. The CLI
 * tests write them through the real maps and decode them back.
 */
final class DocumentedPolicyEntries {
    private DocumentedPolicyEntries() {}

    static void putInto(KernelPolicyMaps maps) {
        var pod = new PolicyMapLayout.EndpointEntry(InetAddress.ofLiteral("10.0.0.2"), 7, 256, true, false);
        var pod6 = new PolicyMapLayout.EndpointEntry(InetAddress.ofLiteral("fd00::2"), 8, 300, false, true);
        maps.put(PolicyMapLayout.ENDPOINTS_MAP, pod.key(), pod.value());
        maps.put(PolicyMapLayout.ENDPOINTS_MAP, pod6.key(), pod6.value());
        var world = new PolicyMapLayout.IpcacheEntry(Cidr.parse("0.0.0.0/0"), 2, 0);
        maps.put(PolicyMapLayout.IPCACHE_MAP, world.key(), world.value());
        for (var e : List.of(new PolicyMapLayout.PolicyEntry(7, 257, PolicyMapLayout.DIR_INGRESS, 6, 8080, 96, 0),
                new PolicyMapLayout.PolicyEntry(7, 258, PolicyMapLayout.DIR_INGRESS, 6, 8000, 88, 3),
                new PolicyMapLayout.PolicyEntry(7, 2, PolicyMapLayout.DIR_INGRESS, 0, 0, 72, 2),
                new PolicyMapLayout.PolicyEntry(8, 0, PolicyMapLayout.DIR_EGRESS, 17, 0, 80, 1))) {
            maps.put(PolicyMapLayout.RULES_MAP, e.key(), e.value());
        }
        maps.revision(5);
    }
}
