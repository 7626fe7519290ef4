package dev.ebpf4j.k8s.policy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.observe.Flow;
import dev.ebpf4j.k8s.observe.FlowType;
import dev.ebpf4j.k8s.observe.TrafficDirection;
import dev.ebpf4j.k8s.observe.Verdict;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.DropReason;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.PolicyCompiler;
import dev.ebpf4j.k8s.policy.PolicyMapLayout;
import dev.ebpf4j.k8s.policy.Probe;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCases;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableRunner;
import dev.ebpf4j.testkit.FdLeakCheck;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** policy.bpf.c on the real kernel: verifier, map layouts, the truth table, replies, updates and counters. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PolicyProgramIT {

    @TempDir
    static Path tempDir;
    static KernelPolicyDatapath datapath;

    @BeforeAll
    static void load() {
        assertTrue(KernelPolicyDatapath.sourceExists(), "policy.bpf.c not found at " + KernelPolicyDatapath.SOURCE);
        datapath = new KernelPolicyDatapath(tempDir, List.of(TruthTableModel.NODE));
    }

    @AfterAll
    static void close() {
        if (datapath != null) {
            datapath.close();
        }
    }

    @Test
    void mapLayoutsMatchTheCompiler() {
        BpfObject obj = datapath.node(TruthTableModel.NODE);
        assertLayout(obj, PolicyMapLayout.ENDPOINTS_MAP, MapType.HASH, 16, 12);
        assertLayout(obj, PolicyMapLayout.IPCACHE_MAP, MapType.LPM_TRIE, 20, 8);
        assertLayout(obj, PolicyMapLayout.RULES_MAP, MapType.LPM_TRIE, 16, 4);
        assertLayout(obj, "policy_conntrack", MapType.LRU_HASH, 40, 16);
        assertEquals(MapType.RINGBUF, obj.map(KernelPolicyMaps.FLOWS_MAP).type());
        assertLayout(obj, KernelPolicyMaps.FLOWS_LOST_MAP, MapType.PERCPU_ARRAY, 4, 8);
        assertTrue(obj.program("policy_from_pod").isLoaded() && obj.program("policy_to_pod").isLoaded());
    }

    private static void assertLayout(BpfObject obj, String name, MapType type, int key, int value) {
        assertEquals(type, obj.map(name).type(), name);
        assertEquals(key, obj.map(name).keySize(), name + " key size");
        assertEquals(value, obj.map(name).valueSize(), name + " value size");
    }

    static Stream<TruthTableCase> cases() {
        return TruthTableCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kernelReproducesUpstreamMatrix(TruthTableCase testCase) {
        PolicyCompiler compiler = new PolicyCompiler();
        ClusterState[] loaded = {null};
        List<String> failures = TruthTableRunner.run(testCase, (state, probe) -> {
            if (loaded[0] != state) {
                datapath.load(List.of(compiler.compile(state, TruthTableModel.NODE)));
                loaded[0] = state;
            }
            return datapath.allowed(probe);
        });
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    @Test
    void repliesOfAllowedConnectionsPassAndCountersCount() {
        Pod xa = TruthTableModel.initialState().pod("x", "a");
        Pod ya = TruthTableModel.initialState().pod("y", "a");
        // y/a accepts x/a only, and may not open anything itself.
        NetworkPolicy policy = new NetworkPolicy("y", "only-from-xa", sel("pod", "a"),
                EnumSet.of(PolicyType.INGRESS, PolicyType.EGRESS),
                List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.podsInNamespaces(sel("pod", "a"), sel("ns", "x")))),
                List.of());
        ClusterState state = TruthTableModel.initialState().withPolicy(policy);
        datapath.load(List.of(new PolicyCompiler().compile(state, TruthTableModel.NODE)));
        var maps = datapath.maps(TruthTableModel.NODE);
        maps.drainEvents(e -> { });
        long lostBefore = maps.lostEvents(); // earlier tests overflow the ring: nobody reads it while they run
        long before = maps.counter(DropReason.POLICY_EGRESS);
        Probe request = Probe.between(xa, ya, 80, L4Protocol.TCP);
        assertTrue(datapath.send(xa.ips().getFirst(), ya.ips().getFirst(), 45000, 80, request), "request");
        assertTrue(datapath.send(ya.ips().getFirst(), xa.ips().getFirst(), 80, 45000, request), "reply");
        assertFalse(datapath.allowed(Probe.between(ya, xa, 80, L4Protocol.TCP)), "y/a opening a connection");
        assertEquals(1, maps.counter(DropReason.POLICY_EGRESS) - before);

        List<Flow> events = new java.util.ArrayList<>();
        maps.drainEvents(events::add);
        List<Flow> drops = events.stream().filter(f -> f.type() == FlowType.DROP).toList();
        assertEquals(1, drops.size(), "one drop event: " + events);
        Flow e = drops.getFirst();
        assertEquals(ya.ips().getFirst(), e.source().address());
        assertEquals(xa.ips().getFirst(), e.destination().address());
        assertEquals(80, e.destination().port());
        assertEquals(6, e.protocol());
        assertEquals(Verdict.DROPPED, e.verdict());
        assertEquals(dev.ebpf4j.k8s.observe.DropReason.POLICY_DENIED, e.dropReason());
        assertEquals(TrafficDirection.EGRESS, e.direction(), "y/a's egress policy decided");
        assertTrue(e.ifindex() > 0, "the interface the program ran on");
        // The request is a new connection at both hooks (x/a's egress, y/a's ingress); its reply is not.
        List<Flow> opened = events.stream().filter(f -> f.verdict() == Verdict.FORWARDED
                && f.source().address().equals(xa.ips().getFirst()) && f.destination().port() == 80).toList();
        assertEquals(List.of(TrafficDirection.EGRESS, TrafficDirection.INGRESS),
                opened.stream().map(Flow::direction).toList(), events.toString());
        assertTrue(opened.stream().allMatch(f -> f.type() == FlowType.TRACE && f.tcpFlagNames().equals("SYN")));
        assertTrue(events.stream().noneMatch(f -> f.source().port() == 80), "no event for the reply: " + events);
        assertEquals(lostBefore, maps.lostEvents(), "nothing lost while the ring had room");
    }

    @Test
    void updateDeniesEstablishedConnectionOnlyWhenNoLongerAllowed() {
        ClusterState base = TruthTableModel.initialState();
        Pod xa = base.pod("x", "a");
        Pod xb = base.pod("x", "b");
        Pod ya = base.pod("y", "a");
        PolicyCompiler compiler = new PolicyCompiler();
        NetworkPolicy fromX = new NetworkPolicy("y", "from-x", sel("pod", "a"), EnumSet.of(PolicyType.INGRESS),
                List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.namespaces(sel("ns", "x")))), List.of());
        datapath.load(List.of(compiler.compile(base.withPolicy(fromX), TruthTableModel.NODE)));
        datapath.revision(1);
        Probe p = Probe.between(xa, ya, 80, L4Protocol.TCP);
        assertTrue(datapath.send(xa.ips().getFirst(), ya.ips().getFirst(), 46000, 80, p));
        assertTrue(datapath.send(xb.ips().getFirst(), ya.ips().getFirst(), 46001, 80, p));

        NetworkPolicy onlyXb = new NetworkPolicy("y", "from-x", sel("pod", "a"), EnumSet.of(PolicyType.INGRESS),
                List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.podsInNamespaces(sel("pod", "b"), sel("ns", "x")))),
                List.of());
        datapath.load(List.of(compiler.compile(base.withPolicy(onlyXb), TruthTableModel.NODE)), true);
        datapath.revision(2);
        assertFalse(datapath.send(xa.ips().getFirst(), ya.ips().getFirst(), 46000, 80, p), "x/a is no longer allowed");
        assertTrue(datapath.send(xb.ips().getFirst(), ya.ips().getFirst(), 46001, 80, p), "x/b still is");
        assertTrue(datapath.send(ya.ips().getFirst(), xb.ips().getFirst(), 80, 46001, p), "and its replies");
    }

    @Test
    void ipv6ExtensionHeadersAreFollowedAndNeighbourDiscoveryPasses() {
        java.net.InetAddress pod6 = dev.ebpf4j.k8s.model.Cidr.address("fd00::10");
        java.net.InetAddress peer6 = dev.ebpf4j.k8s.model.Cidr.address("2001:db8::7");
        Pod pod = new Pod("x", "v6", Map.of("pod", "v6"), List.of(dev.ebpf4j.k8s.model.Cidr.address("10.9.9.9"), pod6),
                TruthTableModel.NODE, List.of());
        NetworkPolicy only80 = new NetworkPolicy("x", "only-80", sel("pod", "v6"), EnumSet.of(PolicyType.INGRESS),
                List.of(NetworkPolicyRule.ports(dev.ebpf4j.k8s.model.NetworkPolicyPort.number(L4Protocol.TCP, 80))),
                List.of());
        ClusterState state = TruthTableModel.initialState().withPod(pod).withPolicy(only80);
        datapath.load(List.of(new PolicyCompiler().compile(state, TruthTableModel.NODE)));
        var toPod = datapath.tester(TruthTableModel.NODE, "policy_to_pod");
        assertTrue(toPod.run(Frames.ipv6WithHopByHop(peer6, pod6, L4Protocol.TCP, 40001, 80)).verdict()
                != KernelPolicyDatapath.TCX_DROP, "port 80 behind a hop-by-hop header");
        assertEquals(KernelPolicyDatapath.TCX_DROP,
                toPod.run(Frames.ipv6WithHopByHop(peer6, pod6, L4Protocol.TCP, 40002, 81)).verdict(), "port 81");
        assertTrue(toPod.run(Frames.icmpv6(peer6, pod6, 135)).verdict() != KernelPolicyDatapath.TCX_DROP,
                "neighbour solicitation");
        assertEquals(KernelPolicyDatapath.TCX_DROP, toPod.run(Frames.icmpv6(peer6, pod6, 128)).verdict(), "echo request");
    }

    private static LabelSelector sel(String k, String v) {
        return LabelSelector.matchLabels(Map.of(k, v));
    }
}
