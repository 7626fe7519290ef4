package dev.ebpf4j.benchmarks.net;

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
import dev.ebpf4j.k8s.policy.ClusterState;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The seed's cluster (issue 15 item 3), generated deterministically: 500 nodes, 200 namespaces of 50 pods (10
 * Deployments of 5 replicas each, labels {@code app} and {@code tier}; 2,000 label identities), and 1,000
 * NetworkPolicies, five per namespace, in the shapes of the upstream e2e suite ({@code test/e2e/network/netpol}):
 * default-deny ingress, allow from pods of the same namespace to one app on a port, allow from pods of labelled
 * namespaces on a port range ({@code endPort}), egress to an ipBlock with an except plus DNS to one namespace, and
 * ingress to a named port from anywhere. Node {@value #NODE} holds 20 pods, one in each of namespaces 0..19.
 */
final class SeedCluster {
    static final int NODES = 500, NAMESPACES = 200, PODS_PER_NAMESPACE = 50, APPS = 10;
    static final String NODE = "node-0";

    private SeedCluster() {
    }

    static ClusterState state() {
        List<Namespace> namespaces = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        List<NetworkPolicy> policies = new ArrayList<>();
        for (int n = 0; n < NAMESPACES; n++) {
            namespaces.add(Namespace.of(ns(n), Map.of("team", "t" + n % 10, "env", n % 3 == 0 ? "prod" : "dev")));
            for (int j = 0; j < PODS_PER_NAMESPACE; j++) pods.add(pod(n, j, labels(j)));
            policies.addAll(policies(n));
        }
        Map<String, List<InetAddress>> nodes = new LinkedHashMap<>();
        for (int k = 0; k < NODES; k++) nodes.put("node-" + k, List.of(address(0x0a0a0000 + k)));
        return new ClusterState(namespaces, pods, policies, nodes);
    }

    static String ns(int n) {
        return "ns-" + n;
    }

    static Map<String, String> labels(int j) {
        return Map.of("app", "app-" + j / (PODS_PER_NAMESPACE / APPS), "tier", j % 2 == 0 ? "web" : "db");
    }

    /** Pod j of namespace n; pod 0 of namespaces 0..19 runs on {@value #NODE}, the rest spread over the others. */
    static Pod pod(int n, int j, Map<String, String> labels) {
        int index = n * PODS_PER_NAMESPACE + j;
        String node = j == 0 && n < 20 ? NODE : "node-" + (1 + index % (NODES - 1));
        return new Pod(ns(n), "pod-" + j, labels, List.of(address(0x0a400000 + index)), node,
                List.of(ContainerPort.named("http", 8080, L4Protocol.TCP)));
    }

    static List<NetworkPolicy> policies(int n) {
        String ns = ns(n);
        Set<PolicyType> ingress = EnumSet.of(PolicyType.INGRESS);
        LabelSelector app0 = LabelSelector.matchLabels(Map.of("app", "app-0"));
        return List.of(
                new NetworkPolicy(ns, "default-deny-ingress", LabelSelector.everything(), ingress, List.of(), List.of()),
                new NetworkPolicy(ns, "allow-same-ns-app-1", app0, ingress,
                        List.of(new NetworkPolicyRule(List.of(NetworkPolicyPeer.pods(LabelSelector.matchLabels(Map.of("app", "app-1")))),
                                List.of(NetworkPolicyPort.number(L4Protocol.TCP, 80)))), List.of()),
                new NetworkPolicy(ns, "allow-team-web-range", app0, ingress,
                        List.of(new NetworkPolicyRule(List.of(NetworkPolicyPeer.podsInNamespaces(
                                LabelSelector.matchLabels(Map.of("tier", "web")), LabelSelector.matchLabels(Map.of("team", "t" + (n + 1) % 10)))),
                                List.of(NetworkPolicyPort.range(L4Protocol.TCP, 8080, 8090)))), List.of()),
                new NetworkPolicy(ns, "egress-ipblock-and-dns", LabelSelector.matchLabels(Map.of("app", "app-2")),
                        EnumSet.of(PolicyType.EGRESS), List.of(), List.of(
                        new NetworkPolicyRule(List.of(NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.0.0/8", "10.64.0.0/16"))),
                                List.of(NetworkPolicyPort.number(L4Protocol.TCP, 443))),
                        new NetworkPolicyRule(List.of(NetworkPolicyPeer.namespaces(
                                LabelSelector.matchLabels(Map.of(Namespace.NAME_LABEL, ns(0))))),
                                List.of(NetworkPolicyPort.number(L4Protocol.UDP, 53), NetworkPolicyPort.number(L4Protocol.TCP, 53))))),
                new NetworkPolicy(ns, "allow-named-port", LabelSelector.matchLabels(Map.of("tier", "web")), ingress,
                        List.of(new NetworkPolicyRule(List.of(), List.of(NetworkPolicyPort.named(L4Protocol.TCP, "http")))),
                        List.of()));
    }

    static InetAddress address(int v) {
        return Cidr.address(LbBench.intIp(v));
    }
}
