package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.ContainerPort;
import dev.ebpf4j.k8s.model.IpBlock;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.LabelSelectorRequirement;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of small clusters: 2 nodes, 1-3 namespaces, 1-6 pods with labels and named ports drawn from a
 * small vocabulary (so selectors hit), and 0-4 policies using every networking/v1 feature. Pod i has address
 * 10.0.(i % 2).(i + 1); ipBlocks are built around pod, node and outside addresses so they cover pods, excepts
 * and the world alike.
 */
public final class RandomClusters {

    /** The two nodes and their addresses. */
    public static final Map<String, List<InetAddress>> NODES = Map.of(
            "n1", List.of(Cidr.address("192.168.0.1"), Cidr.address("fd01::1")),
            "n2", List.of(Cidr.address("192.168.0.2"), Cidr.address("fd01::2")));
    static final List<String> OUTSIDE = List.of("172.16.0.5", "10.0.0.200", "192.168.0.1", "192.168.0.2",
            "2001:db8::5", "fd00::200", "fd01::1");
    static final int[] PROBE_PORTS = {53, 80, 81, 443, 8080, 9090};
    private static final List<String> BASES = List.of("10.0.0.1", "10.0.1.2", "10.0.0.3", "10.0.1.4", "10.0.0.0",
            "172.16.0.5", "192.168.0.1", "10.0.0.200");
    private static final List<String> BASES6 = List.of("fd00::1", "fd00:0:0:1::2", "fd00::3", "fd00::", "::",
            "2001:db8::5", "fd01::1", "fd00::200");
    private static final List<ContainerPort> NAMED = List.of(
            ContainerPort.named("http", 80, L4Protocol.TCP), ContainerPort.named("http", 8080, L4Protocol.TCP),
            ContainerPort.named("dns", 53, L4Protocol.UDP), ContainerPort.named("dns", 53, L4Protocol.TCP),
            ContainerPort.named("metrics", 9090, L4Protocol.TCP), ContainerPort.named("web", 81, L4Protocol.SCTP));

    private RandomClusters() {
    }

    static InetAddress podIp(int i) {
        return Cidr.address("10.0." + (i % 2) + "." + (i + 1));
    }

    static InetAddress podIp6(int i) {
        return Cidr.address("fd00:0:0:" + (i % 2) + "::" + (i + 1));
    }

    /** @return random clusters */
    public static Arbitrary<ClusterState> clusters() {
        Arbitrary<List<Namespace>> namespaces = Combinators.combine(
                        labels(List.of("team", "env"), List.of("a", "b")).list().ofSize(3), Arbitraries.integers().between(1, 3))
                .as((labels, n) -> {
                    List<Namespace> out = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        out.add(Namespace.of(List.of("x", "y", "z").get(i), labels.get(i)));
                    }
                    return out;
                });
        return namespaces.flatMap(ns -> Combinators.combine(pods(ns.size()), policy(ns.size()).list().ofMaxSize(4))
                .as((pods, policies) -> new ClusterState(ns, pods, policies, NODES)));
    }

    private static Arbitrary<List<Pod>> pods(int namespaces) {
        Arbitrary<Pod> pod = Combinators.combine(Arbitraries.integers().between(0, namespaces - 1),
                        labels(List.of("app", "tier"), List.of("web", "db")), Arbitraries.of("n1", "n2"),
                        Arbitraries.of(NAMED).set().ofMaxSize(2))
                .as((ns, labels, node, ports) -> new Pod(List.of("x", "y", "z").get(ns), "p", labels, List.of(), node,
                        distinctNames(ports)));
        return pod.list().ofMinSize(1).ofMaxSize(6).map(list -> {
            List<Pod> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Pod p = list.get(i);
                // Every third pod is single-stack IPv4, the others dual-stack.
                List<InetAddress> ips = i % 3 == 2 ? List.of(podIp(i)) : List.of(podIp(i), podIp6(i));
                out.add(new Pod(p.namespace(), "p" + i, p.labels(), ips, p.node(), p.ports()));
            }
            return out;
        });
    }

    private static List<ContainerPort> distinctNames(Set<ContainerPort> ports) {
        Map<String, ContainerPort> byName = new LinkedHashMap<>();
        ports.forEach(p -> byName.putIfAbsent(p.name() + "/" + p.protocol(), p));
        return List.copyOf(byName.values());
    }

    private static Arbitrary<Map<String, String>> labels(List<String> keys, List<String> values) {
        return Arbitraries.maps(Arbitraries.of(keys), Arbitraries.of(values)).ofMaxSize(keys.size());
    }

    private static Arbitrary<LabelSelector> selector(List<String> keys, List<String> values) {
        Arbitrary<LabelSelectorRequirement> req = Combinators.combine(Arbitraries.of(keys),
                        Arbitraries.of(LabelSelectorRequirement.Operator.class), Arbitraries.of(values).set().ofMinSize(1))
                .as((k, op, vals) -> new LabelSelectorRequirement(k, op,
                        op == LabelSelectorRequirement.Operator.IN || op == LabelSelectorRequirement.Operator.NOT_IN
                                ? List.copyOf(vals) : List.of()));
        return Combinators.combine(labels(keys, values).map(m -> m.size() > 1 ? Map.<String, String>of() : m), req.list().ofMaxSize(2))
                .as(LabelSelector::new);
    }

    private static Arbitrary<NetworkPolicy> policy(int namespaces) {
        Arbitrary<Set<PolicyType>> types = Arbitraries.of(PolicyType.class).set()
                .map(s -> s.isEmpty() ? Set.<PolicyType>of() : EnumSet.copyOf(s));
        Arbitrary<List<NetworkPolicyRule>> rules = rule().list().ofMaxSize(2);
        return Combinators.combine(Arbitraries.integers().between(0, namespaces - 1),
                        selector(List.of("app", "tier"), List.of("web", "db")), types, rules, rules)
                .as((ns, sel, t, in, out) -> new NetworkPolicy(List.of("x", "y", "z").get(ns), "pol", sel, t, in, out))
                .list().ofSize(1).map(List::getFirst);
    }

    private static Arbitrary<NetworkPolicyRule> rule() {
        return Combinators.combine(peer().list().ofMaxSize(2), port().list().ofMaxSize(2)).as(NetworkPolicyRule::new);
    }

    private static Arbitrary<NetworkPolicyPeer> peer() {
        Arbitrary<LabelSelector> pods = selector(List.of("app", "tier"), List.of("web", "db"));
        Arbitrary<LabelSelector> nss = selector(List.of("team", "env", Namespace.NAME_LABEL), List.of("a", "b", "x", "y"));
        return Arbitraries.oneOf(
                pods.map(NetworkPolicyPeer::pods),
                nss.map(NetworkPolicyPeer::namespaces),
                Combinators.combine(pods, nss).as(NetworkPolicyPeer::podsInNamespaces),
                ipBlock().map(NetworkPolicyPeer::ipBlock));
    }

    private static Arbitrary<IpBlock> ipBlock() {
        return Arbitraries.oneOf(ipBlock4(), ipBlock6());
    }

    private static Arbitrary<IpBlock> ipBlock6() {
        Arbitrary<Cidr> cidr = Combinators.combine(Arbitraries.of(BASES6), Arbitraries.of(0, 8, 48, 64, 127, 128))
                .as((b, len) -> new Cidr(Cidr.address(b), len));
        Arbitrary<Cidr> except = Combinators.combine(Arbitraries.of(BASES6), Arbitraries.of(16, 64, 120, 128))
                .as((b, len) -> new Cidr(Cidr.address(b), len));
        return Combinators.combine(cidr, except.list().ofMaxSize(2)).as((c, ex) -> new IpBlock(c,
                ex.stream().filter(e -> c.contains(e) && e.prefixLength() > c.prefixLength()).distinct().toList()));
    }

    private static Arbitrary<IpBlock> ipBlock4() {
        Arbitrary<Cidr> cidr = Combinators.combine(Arbitraries.of(BASES), Arbitraries.of(0, 8, 16, 23, 24, 30, 32))
                .as((b, len) -> new Cidr(Cidr.address(b), len));
        Arbitrary<Cidr> except = Combinators.combine(Arbitraries.of(BASES), Arbitraries.of(16, 24, 31, 32))
                .as((b, len) -> new Cidr(Cidr.address(b), len));
        return Combinators.combine(cidr, except.list().ofMaxSize(2)).as((c, ex) -> new IpBlock(c,
                ex.stream().filter(e -> c.contains(e) && e.prefixLength() > c.prefixLength()).distinct().toList()));
    }

    private static Arbitrary<NetworkPolicyPort> port() {
        Arbitrary<L4Protocol> proto = Arbitraries.of(L4Protocol.class);
        Arbitrary<Integer> number = Arbitraries.of(53, 80, 81, 443, 8080, 9090, 1);
        return Arbitraries.oneOf(
                proto.map(NetworkPolicyPort::all),
                Combinators.combine(proto, number).as(NetworkPolicyPort::number),
                Combinators.combine(proto, number, Arbitraries.of(0, 1, 7, 100, 9000, 65534))
                        .as((p, n, w) -> NetworkPolicyPort.range(p, n, Math.min(65535, n + w))),
                Combinators.combine(proto, Arbitraries.of("http", "dns", "metrics", "web", "none"))
                        .as(NetworkPolicyPort::named));
    }
}
