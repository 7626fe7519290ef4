package dev.ebpf4j.k8s.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.ContainerPort;
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
import dev.ebpf4j.k8s.policy.Verdict.Outcome;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {

    private static final InetAddress NODE1 = Cidr.address("192.168.0.1");
    private static final InetAddress NODE2 = Cidr.address("192.168.0.2");
    private static final InetAddress OUTSIDE = Cidr.address("172.16.0.9");
    private static final Pod WEB = new Pod("prod", "web", Map.of("app", "web"), List.of(Cidr.address("10.0.0.1")), "n1",
            List.of(ContainerPort.named("http", 8080, L4Protocol.TCP)));
    private static final Pod DB = new Pod("prod", "db", Map.of("app", "db"), List.of(Cidr.address("10.0.0.2")), "n1",
            List.of(ContainerPort.named("http", 5432, L4Protocol.TCP)));
    private static final Pod OTHER = new Pod("dev", "tool", Map.of("app", "web"), List.of(Cidr.address("10.0.1.1")),
            "n2", List.of());

    private static ClusterState state(NetworkPolicy... policies) {
        return new ClusterState(List.of(Namespace.of("prod", Map.of("env", "prod")), Namespace.of("dev", Map.of())),
                List.of(WEB, DB, OTHER), List.of(policies), Map.of("n1", List.of(NODE1), "n2", List.of(NODE2)));
    }

    private static NetworkPolicy ingress(LabelSelector target, NetworkPolicyRule... rules) {
        return new NetworkPolicy("prod", "p" + rules.length, target, EnumSet.of(PolicyType.INGRESS), List.of(rules),
                List.of());
    }

    private static Verdict eval(ClusterState s, InetAddress from, Pod to, int port) {
        return new PolicyEvaluator(s).evaluate(new Probe(from, to.ips().getFirst(), port, L4Protocol.TCP));
    }

    @Test
    void unselectedPodsAreNotIsolated() {
        Verdict v = eval(state(), WEB.ips().getFirst(), DB, 5432);
        assertTrue(v.allowed());
        assertEquals(Outcome.NOT_ISOLATED, v.egress().outcome());
        assertEquals(Outcome.NOT_ISOLATED, v.ingress().outcome());
    }

    @Test
    void deniedVerdictNamesTheIsolatingPolicies() {
        Verdict v = eval(state(ingress(LabelSelector.matchLabels(Map.of("app", "db")))), WEB.ips().getFirst(), DB, 5432);
        assertFalse(v.allowed());
        assertEquals(Outcome.DENIED, v.ingress().outcome());
        assertEquals(List.of("prod/p0"), v.ingress().isolatingPolicies());
    }

    @Test
    void allowingRuleIsReported() {
        NetworkPolicy deny = ingress(LabelSelector.everything());
        NetworkPolicy allow = new NetworkPolicy("prod", "allow-web", LabelSelector.matchLabels(Map.of("app", "db")),
                Set.of(), List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", "web"))))),
                List.of());
        Verdict v = eval(state(deny, allow), WEB.ips().getFirst(), DB, 5432);
        assertTrue(v.allowed());
        assertEquals(new Verdict.RuleRef("prod/allow-web", PolicyType.INGRESS, 0), v.ingress().matchedRule().orElseThrow());
        assertFalse(eval(state(deny, allow), OTHER.ips().getFirst(), DB, 5432).allowed(),
                "podSelector-only peers stay in the policy's namespace");
    }

    @Test
    void ownNodeIsAlwaysAllowedInOtherNodesAreNot() {
        ClusterState s = state(ingress(LabelSelector.everything()));
        assertEquals(Outcome.FROM_OWN_NODE, eval(s, NODE1, DB, 1).ingress().outcome());
        assertFalse(eval(s, NODE2, DB, 1).allowed());
        assertFalse(eval(s, OUTSIDE, DB, 1).allowed());
    }

    @Test
    void loopbackIsNotSubjectToPolicy() {
        Verdict v = eval(state(ingress(LabelSelector.everything())), DB.ips().getFirst(), DB, 1);
        assertTrue(v.allowed());
        assertEquals(Outcome.LOOPBACK, v.ingress().outcome());
    }

    @Test
    void namedPortsResolveOnTheDestinationPod() {
        NetworkPolicy p = ingress(LabelSelector.everything(), NetworkPolicyRule.ports(NetworkPolicyPort.named(L4Protocol.TCP, "http")));
        assertTrue(eval(state(p), OUTSIDE, DB, 5432).allowed());
        assertFalse(eval(state(p), OUTSIDE, DB, 8080).allowed());
        assertTrue(eval(state(p), OUTSIDE, WEB, 8080).allowed());
        NetworkPolicy egress = new NetworkPolicy("prod", "e", LabelSelector.everything(), EnumSet.of(PolicyType.EGRESS),
                List.of(), List.of(NetworkPolicyRule.ports(NetworkPolicyPort.named(L4Protocol.TCP, "http"))));
        PolicyEvaluator ev = new PolicyEvaluator(state(egress));
        assertTrue(ev.evaluate(new Probe(WEB.ips().getFirst(), DB.ips().getFirst(), 5432, L4Protocol.TCP)).allowed());
        assertFalse(ev.evaluate(new Probe(WEB.ips().getFirst(), OUTSIDE, 5432, L4Protocol.TCP)).allowed(),
                "a named port never matches a destination that is no pod");
    }

    @Test
    void ipBlocksMatchPodAddressesToo() {
        NetworkPolicy p = ingress(LabelSelector.everything(), NetworkPolicyRule.peers(
                NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.0.0/16", "10.0.1.0/24"))));
        assertTrue(eval(state(p), WEB.ips().getFirst(), DB, 1).allowed());
        assertFalse(eval(state(p), OTHER.ips().getFirst(), DB, 1).allowed(), "except");
        assertFalse(eval(state(p), OUTSIDE, DB, 1).allowed());
    }

    @Test
    void emptyRuleListDeniesEmptyRuleAllows() {
        assertFalse(eval(state(ingress(LabelSelector.everything())), OUTSIDE, DB, 1).allowed());
        assertTrue(eval(state(ingress(LabelSelector.everything(), NetworkPolicyRule.allowAll())), OUTSIDE, DB, 1).allowed());
    }
}
