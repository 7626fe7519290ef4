package dev.ebpf4j.k8s.policy.truthtable;

import static dev.ebpf4j.k8s.model.L4Protocol.SCTP;
import static dev.ebpf4j.k8s.model.L4Protocol.TCP;
import static dev.ebpf4j.k8s.model.L4Protocol.UDP;

import dev.ebpf4j.k8s.model.IpBlock;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.LabelSelectorRequirement;
import dev.ebpf4j.k8s.model.LabelSelectorRequirement.Operator;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase.Check;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase.Step;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The policy cases of the upstream e2e suite (kubernetes test/e2e/network/netpol/network_policy.go), re-expressed
 * on the full 9-pod model with the expectations built as upstream builds them, plus cases for the defaults and
 * for endPort ranges that upstream covers elsewhere. Expectations are written by hand from the test definitions;
 * nothing here consults the evaluator.
 */
public final class TruthTableCases {

    private static final LabelSelector ALL = LabelSelector.everything();

    private TruthTableCases() {
    }

    /** @return every case */
    public static List<TruthTableCase> all() {
        return List.of(
                one("default-deny-ingress", denyIngress("x", "deny-ingress", ALL),
                        check(80, TCP, r().expectPeer(null, null, "x", null, false))),
                one("default-deny-ingress over UDP", denyIngress("x", "deny-ingress", ALL),
                        check(80, UDP, r().expectPeer(null, null, "x", null, false))),
                one("default-deny-ingress over SCTP", denyIngress("x", "deny-ingress", ALL),
                        check(80, SCTP, r().expectPeer(null, null, "x", null, false))),
                one("default-deny-all", policy("x", "deny-all", ALL, types(PolicyType.INGRESS, PolicyType.EGRESS),
                                List.of(), List.of()),
                        check(80, TCP, r().expectPeer(null, null, "x", null, false)
                                .expectPeer("x", null, null, null, false))),
                one("allow from pods within server namespace based on PodSelector",
                        ingress("x", "x-a-allows-x-b", pod("a"), NetworkPolicyRule.peers(NetworkPolicyPeer.pods(pod("b")))),
                        check(80, TCP, r().expectAllIngress("x/a", false).expect("x/b", "x/a", true))),
                step("allow ingress traffic for a target",
                        s -> s.withPolicy(denyIngress("x", "deny-all", ALL)).withPolicy(ingress("x", "allow-all-to-a",
                                pod("a"), NetworkPolicyRule.peers(NetworkPolicyPeer.podsInNamespaces(ALL, ALL)))),
                        check(80, TCP, r().expectPeer(null, null, "x", null, false).expectAllIngress("x/a", true))),
                one("allow ingress from pods in all namespaces",
                        ingress("x", "allow-from-another-ns", pod("a"), NetworkPolicyRule.peers(NetworkPolicyPeer.namespaces(ALL))),
                        check(80, TCP, r())),
                one("allow only from a different namespace based on NamespaceSelector",
                        ingress("x", "allow-client-a-via-ns-selector", pod("a"),
                                NetworkPolicyRule.peers(NetworkPolicyPeer.namespaces(nsName("y")))),
                        check(80, TCP, r().expectPeer("x", null, "x", "a", false).expectPeer("z", null, "x", "a", false))),
                one("PodSelector with MatchExpressions",
                        ingress("x", "x-a-allows-x-b", pod("a"), NetworkPolicyRule.peers(NetworkPolicyPeer.pods(
                                expr("pod", Operator.IN, "b")))),
                        check(80, TCP, r().expectAllIngress("x/a", false).expect("x/b", "x/a", true))),
                one("NamespaceSelector with MatchExpressions",
                        ingress("x", "allow-ns-y-match-selector", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.namespaces(expr(Namespace.NAME_LABEL, Operator.IN, "y")))),
                        check(80, TCP, r().expectPeer("x", null, "x", "a", false).expectPeer("z", null, "x", "a", false))),
                one("PodSelector or NamespaceSelector",
                        ingress("x", "allow-ns-y-match-selector", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.namespaces(expr(Namespace.NAME_LABEL, Operator.NOT_IN, "x")),
                                NetworkPolicyPeer.pods(pod("b")))),
                        check(80, TCP, r().expect("x/c", "x/a", false))),
                one("PodSelector and NamespaceSelector",
                        ingress("x", "allow-ns-y-podselector-and-nsselector", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.podsInNamespaces(pod("b"), expr(Namespace.NAME_LABEL, Operator.NOT_IN, "x")))),
                        check(80, TCP, r().expectAllIngress("x/a", false).expect("y/b", "x/a", true)
                                .expect("z/b", "x/a", true))),
                one("multiple PodSelectors and NamespaceSelectors",
                        ingress("x", "allow-ns-y-z-pod-b-c", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.podsInNamespaces(expr("pod", Operator.IN, "b", "c"),
                                        expr(Namespace.NAME_LABEL, Operator.NOT_IN, "x")))),
                        check(80, TCP, r().expectPeer("x", null, "x", "a", false).expect("y/a", "x/a", false)
                                .expect("z/a", "x/a", false))),
                one("any PodSelectors",
                        ingress("x", "allow-ns-x-pod-b-c", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.pods(pod("b")), NetworkPolicyPeer.pods(pod("c")))),
                        check(80, TCP, r().expectAllIngress("x/a", false).expect("x/b", "x/a", true)
                                .expect("x/c", "x/a", true))),
                one("only from a pod in a different namespace (PodSelector and NamespaceSelector), UDP",
                        ingress("x", "allow-ns-y-pod-a", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.podsInNamespaces(pod("a"), nsName("y")))),
                        check(80, UDP, r().expectAllIngress("x/a", false).expect("y/a", "x/a", true)),
                        check(80, TCP, r().expectAllIngress("x/a", false).expect("y/a", "x/a", true))),
                one("Ports: namespace y on TCP 81 only",
                        ingress("x", "allow-client-a-via-ns-selector", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.namespaces(nsName("y"))).onPorts(NetworkPolicyPort.number(TCP, 81))),
                        check(81, TCP, allowFromYToXa()),
                        check(80, TCP, r().expectAllIngress("x/a", false))),
                new TruthTableCase("multiple stacked policies with overlapping podSelectors", List.of(
                        new Step("allow y on 81", s -> s.withPolicy(port81FromY("allow-81", 81)),
                                List.of(check(81, TCP, allowFromYToXa()), check(80, TCP, r().expectAllIngress("x/a", false)))),
                        new Step("add allow y on 80", s -> s.withPolicy(port81FromY("allow-80", 80)),
                                List.of(check(80, TCP, allowFromYToXa()), check(81, TCP, allowFromYToXa()))))),
                one("allow-all policy", ingress("x", "allow-all", ALL, NetworkPolicyRule.allowAll()),
                        check(80, TCP, r()), check(81, TCP, r())),
                one("ingress on one named port",
                        ingress("x", "allow-all", ALL, NetworkPolicyRule.ports(NetworkPolicyPort.named(TCP, "serve-81-tcp"))),
                        check(81, TCP, r()), check(80, TCP, r().expectPeer(null, null, "x", null, false))),
                one("ingress from namespace on one named port",
                        ingress("x", "allow-client-a-via-ns-selector-80", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.namespaces(nsName("y"))).onPorts(NetworkPolicyPort.named(TCP, "serve-80-tcp"))),
                        check(80, TCP, r().expectPeer("x", null, "x", "a", false).expectPeer("z", null, "x", "a", false)),
                        check(81, TCP, r().expectAllIngress("x/a", false))),
                one("egress on one named port",
                        egress("x", "allow-egress", ALL, NetworkPolicyRule.ports(NetworkPolicyPort.named(TCP, "serve-80-tcp"))),
                        check(80, TCP, r()), check(81, TCP, r().expectPeer("x", null, null, null, false))),
                new TruthTableCase("updated policy: allow-all mutated to deny-all", List.of(
                        new Step("allow all", s -> s.withPolicy(ingress("x", "mutate", ALL, NetworkPolicyRule.allowAll())),
                                List.of(check(81, TCP, r()))),
                        new Step("update to deny all", s -> s.withPolicy(denyIngress("x", "mutate", ALL)),
                                List.of(check(81, TCP, r().expectPeer(null, null, "x", null, false)))))),
                new TruthTableCase("ingress from updated namespace", List.of(
                        new Step("policy on ns2=updated", s -> s.withPolicy(ingress("x", "allow-client-a-via-ns-selector",
                                pod("a"), NetworkPolicyRule.peers(NetworkPolicyPeer.namespaces(sel("ns2", "updated"))))),
                                List.of(check(80, TCP, r().expectAllIngress("x/a", false)))),
                        new Step("label y ns2=updated", s -> s.withNamespace(Namespace.of("y", Map.of("ns", "y", "ns2", "updated"))),
                                List.of(check(80, TCP, r().expectAllIngress("x/a", false).expectPeer("y", null, null, null, true)))))),
                new TruthTableCase("ingress from updated pod", List.of(
                        new Step("policy on pod=b,pod2=updated", s -> s.withPolicy(ingress("x", "allow-client-a-via-pod-selector",
                                pod("a"), NetworkPolicyRule.peers(NetworkPolicyPeer.pods(LabelSelector.matchLabels(
                                        Map.of("pod", "b", "pod2", "updated")))))),
                                List.of(check(80, TCP, r().expectAllIngress("x/a", false)))),
                        new Step("relabel x/b", s -> s.withPod(TruthTableModel.pod("x", "b", Map.of("pod", "b", "pod2", "updated"))),
                                List.of(check(80, TCP, r().expectAllIngress("x/a", false).expect("x/b", "x/a", true)))))),
                one("deny ingress from pods on other namespaces",
                        ingress("x", "deny-empty-policy", ALL, NetworkPolicyRule.peers(NetworkPolicyPeer.pods(ALL))),
                        check(80, TCP, r().expectPeer("y", null, "x", null, false).expectPeer("z", null, "x", null, false))),
                new TruthTableCase("deny ingress access to updated pod", List.of(
                        new Step("policy on target=isolated", s -> s.withPolicy(denyIngress("x", "deny-ingress-via-label-selector",
                                sel("target", "isolated"))), List.of(check(80, TCP, r()))),
                        new Step("label x/a target=isolated", s -> s.withPod(TruthTableModel.pod("x", "a",
                                Map.of("pod", "a", "target", "isolated"))),
                                List.of(check(80, TCP, r().expectAllIngress("x/a", false)))))),
                one("deny egress from pods based on PodSelector", egress("x", "deny-egress-pod-a", pod("a")),
                        check(80, TCP, r().expectAllEgress("x/a", false))),
                one("deny egress from all pods in a namespace", egress("x", "deny-egress-ns-x", ALL),
                        check(80, TCP, r().expectPeer("x", null, null, null, false))),
                one("Ingress and Egress specified together",
                        policy("x", "allow-client-a-via-pod-selector", pod("a"), types(PolicyType.EGRESS, PolicyType.INGRESS),
                                List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.pods(pod("b")))),
                                List.of(NetworkPolicyRule.ports(NetworkPolicyPort.number(TCP, 80)))),
                        check(80, TCP, r().expectAllIngress("x/a", false).expect("x/b", "x/a", true)),
                        check(81, TCP, r().expectAllIngress("x/a", false).expectAllEgress("x/a", false)
                                .expect("x/b", "x/a", true))),
                step("egress denied on the client side even if the server allows it",
                        s -> s.withPolicy(egress("x", "allow-to-ns-y-pod-a", pod("a"), NetworkPolicyRule.peers(
                                        NetworkPolicyPeer.podsInNamespaces(pod("a"), nsName("y")))))
                                .withPolicy(ingress("y", "allow-from-xa-on-ya", pod("a"), fromXa()))
                                .withPolicy(ingress("y", "allow-from-xa-on-yb", pod("b"), fromXa())),
                        check(80, TCP, r().expectPeer("x", "a", null, null, false).expectPeer(null, null, "y", "a", false)
                                .expectPeer("x", "a", "y", "a", true).expectPeer(null, null, "y", "b", false))),
                one("egress to a server in a different namespace based on PodSelector and NamespaceSelector",
                        egress("x", "allow-to-ns-y-pod-a", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.podsInNamespaces(pod("a"), nsName("y")))),
                        check(80, TCP, r().expectAllEgress("x/a", false).expect("x/a", "y/a", true))),
                one("ingress any port on a specific protocol",
                        ingress("x", "allow-ingress-by-proto", pod("a"), NetworkPolicyRule.ports(NetworkPolicyPort.all(TCP))),
                        check(80, TCP, r()), check(80, UDP, r().expectAllIngress("x/a", false))),
                stepped("multiple ingress policies, allow-all taking precedence",
                        ingress("x", "allow-ingress-port-80", ALL, NetworkPolicyRule.ports(NetworkPolicyPort.number(TCP, 80))),
                        check(81, TCP, r().expectPeer(null, null, "x", null, false)),
                        ingress("x", "allow-ingress", ALL, NetworkPolicyRule.allowAll()), check(81, TCP, r())),
                stepped("multiple egress policies, allow-all taking precedence",
                        egress("x", "allow-egress-port-80", ALL, NetworkPolicyRule.ports(NetworkPolicyPort.number(TCP, 80))),
                        check(81, TCP, r().expectPeer("x", null, null, null, false)),
                        egress("x", "allow-egress", ALL, NetworkPolicyRule.allowAll()), check(81, TCP, r())),
                new TruthTableCase("stop enforcing policies after they are deleted", List.of(
                        new Step("deny all in x", s -> s.withPolicy(policy("x", "deny-all", ALL,
                                types(PolicyType.INGRESS, PolicyType.EGRESS), List.of(), List.of())),
                                List.of(check(80, TCP, r().expectPeer("x", null, null, null, false)
                                        .expectPeer(null, null, "x", null, false)))),
                        new Step("delete it", s -> s.withoutPolicy("x", "deny-all"), List.of(check(80, TCP, r()))))),
                one("egress to a server in a CIDR block",
                        egress("x", "allow-client-a-via-cidr-egress-rule", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.2.2/32")))),
                        check(80, TCP, r().expectAllEgress("x/a", false).expect("x/a", "y/b", true))),
                one("except clause while egress to a server in a CIDR block",
                        egress("x", "allow-client-a-via-cidr-egress-rule", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.ipBlock(IpBlock.of("0.0.0.0/4", "10.0.1.2/32")))),
                        check(80, TCP, r().expect("x/a", "x/b", false))),
                new TruthTableCase("an IP in both IPBlock.CIDR and IPBlock.Except, then allowed by an updated policy", List.of(
                        new Step("cidr /4 except x/b", s -> s.withPolicy(egress("x", "cidr-rule", pod("a"),
                                NetworkPolicyRule.peers(NetworkPolicyPeer.ipBlock(IpBlock.of("0.0.0.0/4", "10.0.1.2/32"))))),
                                List.of(check(80, TCP, r().expect("x/a", "x/b", false)))),
                        new Step("update to allow x/b/32 only", s -> s.withPolicy(egress("x", "cidr-rule", pod("a"),
                                NetworkPolicyRule.peers(NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.1.2/32"))))),
                                List.of(check(80, TCP, r().expectAllEgress("x/a", false).expect("x/a", "x/b", true)))))),
                stepped("ingress and egress controlled independently",
                        egress("x", "allow-egress-for-target", pod("a"), NetworkPolicyRule.allowAll()), check(80, TCP, r()),
                        denyIngress("x", "deny-ingress-via-label-selector", pod("a")),
                        check(80, TCP, r().expectAllIngress("x/a", false))),
                step("SCTP is not mistaken for TCP",
                        s -> s.withPolicy(denyIngress("x", "deny-ingress", ALL)).withPolicy(ingress("x",
                                "allow-only-sctp-ingress-on-port-81", pod("a"), NetworkPolicyRule.ports(NetworkPolicyPort.number(SCTP, 81)))),
                        check(81, TCP, r().expectPeer(null, null, "x", null, false)),
                        check(81, SCTP, r().expectPeer(null, null, "x", null, false).expectAllIngress("x/a", true))),
                one("pods selected by an SCTP-only policy are isolated for TCP",
                        ingress("x", "allow-only-sctp-ingress-on-port-80", pod("a"), NetworkPolicyRule.ports(NetworkPolicyPort.number(SCTP, 80))),
                        check(81, TCP, r().expectAllIngress("x/a", false)), check(80, SCTP, r())),
                one("TCP not allowed when a policy specifies only UDP",
                        ingress("x", "allow-only-udp-ingress-on-port-81", pod("a"), NetworkPolicyRule.ports(NetworkPolicyPort.number(UDP, 81))),
                        check(81, TCP, r().expectAllIngress("x/a", false)), check(81, UDP, r())),
                one("egress NamespaceSelector NotIn using the default namespace label",
                        egress("x", "allow-ns-not-y", pod("a"), NetworkPolicyRule.peers(
                                NetworkPolicyPeer.namespaces(expr(Namespace.NAME_LABEL, Operator.NOT_IN, "y")))),
                        check(80, TCP, r().expectPeer("x", "a", "y", null, false))),
                one("endPort range covering 80-81 from namespace y",
                        ingress("x", "allow-range", pod("a"), NetworkPolicyRule.peers(NetworkPolicyPeer.namespaces(nsName("y")))
                                .onPorts(NetworkPolicyPort.range(TCP, 80, 81))),
                        check(80, TCP, allowFromYToXa()), check(81, TCP, allowFromYToXa())),
                one("endPort range 81-90 excludes 80",
                        ingress("x", "allow-range", ALL, NetworkPolicyRule.ports(NetworkPolicyPort.range(UDP, 81, 90))),
                        check(81, UDP, r()), check(80, UDP, r().expectPeer(null, null, "x", null, false))),
                one("policyTypes omitted with egress rules isolates both directions",
                        new NetworkPolicy("x", "implicit-both", pod("a"), Set.of(), List.of(),
                                List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.namespaces(nsName("y"))))),
                        check(80, TCP, r().expectAllIngress("x/a", false).expectAllEgress("x/a", false)
                                .expectPeer("x", "a", "y", null, true))),
                one("policyTypes Egress only leaves ingress open",
                        policy("x", "egress-only", pod("a"), types(PolicyType.EGRESS), List.of(),
                                List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.pods(ALL)))),
                        check(80, TCP, r().expectAllEgress("x/a", false).expectPeer("x", "a", "x", null, true))),
                one("ipBlock ingress with except from other namespaces",
                        ingress("y", "cidr-in", ALL, NetworkPolicyRule.peers(
                                NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.0.0/16", "10.0.1.0/24", "10.0.3.3/32")))),
                        check(80, TCP, r().expectPeer("x", null, "y", null, false).expectPeer("z", "c", "y", null, false))));
    }

    private static Reachability r() {
        return new Reachability();
    }

    private static Reachability allowFromYToXa() {
        return r().expectPeer("x", null, "x", "a", false).expectPeer("z", null, "x", "a", false);
    }

    private static NetworkPolicy port81FromY(String name, int port) {
        return ingress("x", name, pod("a"), NetworkPolicyRule.peers(NetworkPolicyPeer.namespaces(nsName("y")))
                .onPorts(NetworkPolicyPort.number(TCP, port)));
    }

    private static NetworkPolicyRule fromXa() {
        return NetworkPolicyRule.peers(NetworkPolicyPeer.podsInNamespaces(pod("a"), nsName("x")));
    }

    private static TruthTableCase one(String name, NetworkPolicy policy, Check... checks) {
        return step(name, s -> s.withPolicy(policy), checks);
    }

    private static TruthTableCase step(String name, UnaryOperator<ClusterState> change, Check... checks) {
        return new TruthTableCase(name, List.of(new Step(name, change, List.of(checks))));
    }

    private static TruthTableCase stepped(String name, NetworkPolicy first, Check firstCheck, NetworkPolicy second,
                                          Check secondCheck) {
        return new TruthTableCase(name, List.of(
                new Step("create " + first.name(), s -> s.withPolicy(first), List.of(firstCheck)),
                new Step("create " + second.name(), s -> s.withPolicy(second), List.of(secondCheck))));
    }

    private static Check check(int port, L4Protocol protocol, Reachability expected) {
        return new Check(port, protocol, expected);
    }

    private static LabelSelector pod(String name) {
        return sel("pod", name);
    }

    private static LabelSelector sel(String key, String value) {
        return LabelSelector.matchLabels(Map.of(key, value));
    }

    private static LabelSelector nsName(String ns) {
        return sel(Namespace.NAME_LABEL, ns);
    }

    private static LabelSelector expr(String key, Operator op, String... values) {
        return LabelSelector.matchExpressions(new LabelSelectorRequirement(key, op, List.of(values)));
    }

    private static Set<PolicyType> types(PolicyType... types) {
        return EnumSet.copyOf(List.of(types));
    }

    /** Upstream's SetSpecIngressRules: the rules, and policyTypes [Ingress]. */
    static NetworkPolicy ingress(String ns, String name, LabelSelector selector, NetworkPolicyRule... rules) {
        return policy(ns, name, selector, types(PolicyType.INGRESS), List.of(rules), List.of());
    }

    static NetworkPolicy denyIngress(String ns, String name, LabelSelector selector) {
        return ingress(ns, name, selector);
    }

    /** Upstream's SetSpecEgressRules: the rules, and policyTypes [Egress]. */
    static NetworkPolicy egress(String ns, String name, LabelSelector selector, NetworkPolicyRule... rules) {
        return policy(ns, name, selector, types(PolicyType.EGRESS), List.of(), List.of(rules));
    }

    static NetworkPolicy policy(String ns, String name, LabelSelector selector, Set<PolicyType> types,
                                List<NetworkPolicyRule> ingress, List<NetworkPolicyRule> egress) {
        return new NetworkPolicy(ns, name, selector, types, ingress, egress);
    }
}
