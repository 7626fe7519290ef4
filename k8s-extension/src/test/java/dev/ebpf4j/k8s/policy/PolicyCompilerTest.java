package dev.ebpf4j.k8s.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.IpBlock;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.IpcacheEntry;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.PolicyEntry;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyCompilerTest {

    private static Pod pod(String ns, String name, String ip, Map<String, String> labels) {
        return new Pod(ns, name, labels, List.of(Cidr.address(ip)), "n1", List.of());
    }

    private static ClusterState state(List<Pod> pods, NetworkPolicy... policies) {
        return new ClusterState(List.of(Namespace.of("a", Map.of()), Namespace.of("b", Map.of())), pods,
                List.of(policies), Map.of("n1", List.of(Cidr.address("192.168.0.1"))));
    }

    private static int identityOf(CompiledPolicy c, String ip) {
        return c.ipcache().stream().filter(e -> e.prefix().equals(Cidr.parse(ip + "/32"))).findFirst().orElseThrow()
                .identity();
    }

    @Test
    void equalLabelsInOneNamespaceShareAnIdentity() {
        CompiledPolicy c = new PolicyCompiler().compile(state(List.of(
                pod("a", "w1", "10.0.0.1", Map.of("app", "web")), pod("a", "w2", "10.0.0.2", Map.of("app", "web")),
                pod("b", "w3", "10.0.0.3", Map.of("app", "web")), pod("a", "d", "10.0.0.4", Map.of("app", "db")))), "n1");
        assertEquals(identityOf(c, "10.0.0.1"), identityOf(c, "10.0.0.2"));
        assertNotEquals(identityOf(c, "10.0.0.1"), identityOf(c, "10.0.0.3"), "another namespace");
        assertNotEquals(identityOf(c, "10.0.0.1"), identityOf(c, "10.0.0.4"), "other labels");
        assertEquals(Identities.HOST, identityOf(c, "192.168.0.1"));
        assertTrue(identityOf(c, "10.0.0.1") >= Identities.FIRST_LABEL);
    }

    @Test
    void identitiesAreStableAcrossCompilations() {
        PolicyCompiler compiler = new PolicyCompiler();
        List<Pod> pods = List.of(pod("a", "w1", "10.0.0.1", Map.of("app", "web")));
        int first = identityOf(compiler.compile(state(pods), "n1"), "10.0.0.1");
        List<Pod> more = List.of(pod("a", "x", "10.0.0.9", Map.of("app", "x")), pods.getFirst());
        assertEquals(first, identityOf(compiler.compile(state(more), "n1"), "10.0.0.1"));
    }

    @Test
    void exceptPrefixesGetTheirOwnCidrIdentity() {
        NetworkPolicy p = new NetworkPolicy("a", "p", LabelSelector.everything(), EnumSet.of(PolicyType.EGRESS), List.of(),
                List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.ipBlock(IpBlock.of("172.16.0.0/12", "172.16.5.0/24")))));
        CompiledPolicy c = new PolicyCompiler().compile(state(List.of(pod("a", "w", "10.0.0.1", Map.of())), p), "n1");
        IpcacheEntry block = c.ipcache().stream().filter(e -> e.prefix().equals(Cidr.parse("172.16.0.0/12"))).findFirst().orElseThrow();
        IpcacheEntry except = c.ipcache().stream().filter(e -> e.prefix().equals(Cidr.parse("172.16.5.0/24"))).findFirst().orElseThrow();
        assertEquals(Identities.WORLD, block.identity());
        assertTrue(Identities.isCidr(block.cidrIdentity()));
        assertEquals(0, except.cidrIdentity(), "the except prefix matches no ipBlock");
        assertTrue(c.policy().stream().anyMatch(e -> e.peerIdentity() == block.cidrIdentity()));
    }

    @Test
    void portRangesBecomePrefixesAndEmptyPortsMatchEveryProtocol() {
        NetworkPolicy p = new NetworkPolicy("a", "p", LabelSelector.everything(), EnumSet.of(PolicyType.INGRESS),
                List.of(NetworkPolicyRule.ports(NetworkPolicyPort.range(L4Protocol.UDP, 1000, 1023)),
                        NetworkPolicyRule.peers(NetworkPolicyPeer.pods(LabelSelector.everything()))), List.of());
        CompiledPolicy c = new PolicyCompiler().compile(state(List.of(pod("a", "w", "10.0.0.1", Map.of())), p), "n1");
        List<PolicyEntry> udp = c.policy().stream().filter(e -> e.protocol() == 17).toList();
        assertEquals(List.of(1000, 1008), udp.stream().map(PolicyEntry::port).toList());
        assertEquals(List.of(93, 92), udp.stream().map(PolicyEntry::prefixLength).toList(), "1000/13 bits, 1008/12 bits");
        assertTrue(c.policy().stream().anyMatch(e -> e.protocol() == PolicyMapLayout.PROTO_ANY
                && e.prefixLength() == PolicyMapLayout.PREFIX_ANY_PROTOCOL));
    }
}
