package dev.ebpf4j.k8s.policy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ebpf4j.k8s.internal.StructBytes;
import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.PolicyCompiler;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import dev.ebpf4j.maps.LruHashMap;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.FdLeakCheck;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * policy.bpf.c through BPF_PROG_TEST_RUN on traffic whose ports are not where the rules look: later fragments of a
 * datagram (they take their first fragment's verdict) and ICMP errors (they pass when they embed a packet of a
 * connection tracked at the pod, as conntrack's RELATED state), each test for IPv4 and IPv6.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PolicyFragmentsAndIcmpIT {

    static final int TCX_NEXT = TestRun.TCX_NEXT;
    static final int TCX_DROP = KernelPolicyDatapath.TCX_DROP;
    /** Outside the cluster: the peers are the world. */
    static final Map<Boolean, InetAddress> PEER = Map.of(true, Cidr.address("192.0.2.7"), false, Cidr.address("2001:db8::7"));
    static final Map<Boolean, InetAddress> ROUTER = Map.of(true, Cidr.address("198.51.100.1"), false, Cidr.address("2001:db8:1::1"));
    static final InetAddress POD4 = Cidr.address("10.9.9.9");
    static final InetAddress POD6 = Cidr.address("fd00::10");

    @TempDir
    static Path tempDir;
    static KernelPolicyDatapath datapath;
    static ProgramTester fromPod;
    static ProgramTester toPod;

    @BeforeAll
    static void load() {
        datapath = new KernelPolicyDatapath(tempDir, List.of(TruthTableModel.NODE));
        fromPod = datapath.tester(TruthTableModel.NODE, "policy_from_pod");
        toPod = datapath.tester(TruthTableModel.NODE, "policy_to_pod");
    }

    @AfterAll
    static void close() {
        if (datapath != null) {
            datapath.close();
        }
    }

    /** Loads one pod (both families) with one policy of the given types and rules, conntrack and fragments empty. */
    private static void pod(EnumSet<PolicyType> types, List<NetworkPolicyRule> ingress, List<NetworkPolicyRule> egress) {
        Pod pod = new Pod("x", "p", Map.of("pod", "p"), List.of(POD4, POD6), TruthTableModel.NODE, List.of());
        NetworkPolicy policy = new NetworkPolicy("x", "p", LabelSelector.matchLabels(Map.of("pod", "p")), types,
                ingress, egress);
        ClusterState state = TruthTableModel.initialState().withPod(pod).withPolicy(policy);
        datapath.load(List.of(new PolicyCompiler().compile(state, TruthTableModel.NODE)));
    }

    private static InetAddress pod(boolean v4) {
        return v4 ? POD4 : POD6;
    }

    private static String name(int verdict) {
        return verdict == TCX_DROP ? "drop" : verdict == TCX_NEXT ? "pass" : "verdict " + verdict;
    }

    /** Runs the frames through a program, returning their verdicts' names (for one assertion over all of them). */
    private static List<String> run(ProgramTester program, byte[]... frames) {
        List<String> out = new ArrayList<>();
        for (byte[] f : frames) {
            out.add(name(program.run(f).verdict()));
        }
        return out;
    }

    @ParameterizedTest(name = "IPv4 {0}")
    @ValueSource(booleans = {true, false})
    void laterFragmentsTakeTheVerdictOfTheirFirstFragment(boolean v4) {
        pod(EnumSet.of(PolicyType.INGRESS), List.of(NetworkPolicyRule.ports(NetworkPolicyPort.number(L4Protocol.UDP, 5353))),
                List.of());
        InetAddress peer = PEER.get(v4);
        InetAddress pod = pod(v4);
        assertEquals(List.of("pass", "pass", "pass", "drop", "drop", "drop"), run(toPod,
                Frames.udpFragment(peer, pod, 0x1001, 40000, 5353, true),
                Frames.udpFragment(peer, pod, 0x1001, 0, 0, false),
                Frames.udpFragment(peer, pod, 0x1001, 0, 0, false),  // a duplicate: the verdict is kept, not consumed
                Frames.udpFragment(peer, pod, 0x1002, 40000, 5354, true),
                Frames.udpFragment(peer, pod, 0x1002, 0, 0, false),
                Frames.udpFragment(peer, pod, 0x1003, 0, 0, false)), // no first fragment seen: no port, denied
                "allowed first fragment, its later ones; denied first fragment, its later one; an orphan");
        // The verdict is per datagram: same addresses and id but another protocol's, or another source's, is not it.
        byte[] otherSource = Frames.udpFragment(ROUTER.get(v4), pod, 0x1001, 0, 0, false);
        assertEquals(List.of("drop"), run(toPod, otherSource));
    }

    @ParameterizedTest(name = "IPv4 {0}")
    @ValueSource(booleans = {true, false})
    void laterFragmentsOfAReplyPassAndTheVerdictAges(boolean v4) {
        // The pod accepts nothing: the fragmented answer to its own query passes only as a reply.
        pod(EnumSet.of(PolicyType.INGRESS), List.of(), List.of());
        InetAddress peer = PEER.get(v4);
        InetAddress pod = pod(v4);
        assertEquals("pass", name(fromPod.run(KernelPolicyDatapath.frame(pod, peer, L4Protocol.UDP, 41000, 53)).verdict()));
        assertEquals(List.of("pass", "pass"), run(toPod,
                Frames.udpFragment(peer, pod, 0x2001, 53, 41000, true),
                Frames.udpFragment(peer, pod, 0x2001, 0, 0, false)), "first and later fragment of the reply");

        assertEquals(List.of("pass"), run(toPod, Frames.udpFragment(peer, pod, 0x2002, 53, 41000, true)));
        ageFragments(31);
        assertEquals(List.of("drop"), run(toPod, Frames.udpFragment(peer, pod, 0x2002, 0, 0, false)),
                "31 s after its first fragment a later fragment is decided without ports again");
    }

    private static final StructBytes FRAG_KEY = StructBytes.of("policy_frag_key", "saddr", 16, "daddr", 16, "id", 4,
            "protocol", 1, "direction", 1, "pad", 2);
    private static final StructBytes FRAG_VALUE = StructBytes.of("policy_frag_value", "first_seen_ns", 8,
            "drop_direction", 1, "pad", 7);

    /** Moves every remembered first fragment back in time by {@code seconds} (first_seen_ns, the value's first u64). */
    private static void ageFragments(int seconds) {
        try (LruHashMap<byte[], byte[]> frags = LruHashMap.of(datapath.node(TruthTableModel.NODE)
                .map(KernelPolicyMaps.FRAGMENTS_MAP), FRAG_KEY, FRAG_VALUE)) {
            List<byte[]> keys = new ArrayList<>();
            frags.keys().forEach(keys::add);
            assertEquals(2, keys.size(), "the reply's two datagrams remembered");
            for (byte[] k : keys) {
                ByteBuffer v = ByteBuffer.wrap(frags.get(k).orElseThrow()).order(ByteOrder.nativeOrder());
                v.putLong(0, v.getLong(0) - seconds * 1_000_000_000L);
                frags.put(k, v.array());
            }
        }
    }

    @ParameterizedTest(name = "IPv4 {0}")
    @ValueSource(booleans = {true, false})
    void icmpErrorsAboutTrackedConnectionsReachAnIsolatedPod(boolean v4) {
        pod(EnumSet.of(PolicyType.INGRESS), List.of(), List.of());
        InetAddress peer = PEER.get(v4);
        InetAddress pod = pod(v4);
        int unreachType = v4 ? 3 : 1;
        int portUnreach = v4 ? 3 : 4;
        byte[] sent = KernelPolicyDatapath.frame(pod, peer, L4Protocol.UDP, 42000, 9);
        assertEquals("pass", name(fromPod.run(sent).verdict()), "the pod's egress is open");
        byte[] untracked = KernelPolicyDatapath.frame(pod, peer, L4Protocol.UDP, 42001, 9);
        byte[] otherPod = KernelPolicyDatapath.frame(v4 ? Cidr.address("10.9.9.8") : Cidr.address("fd00::11"), peer,
                L4Protocol.UDP, 42000, 9);
        assertEquals(List.of("pass", "pass", "pass", "drop", "drop"), run(toPod,
                Frames.icmpError(peer, pod, unreachType, portUnreach, sent),
                Frames.icmpError(ROUTER.get(v4), pod, v4 ? 11 : 3, 0, sent),        // time exceeded from a router
                Frames.icmpError(ROUTER.get(v4), pod, v4 ? 3 : 2, v4 ? 4 : 0, sent), // needs fragmentation / too big
                Frames.icmpError(peer, pod, unreachType, portUnreach, untracked),
                Frames.icmpError(peer, pod, unreachType, portUnreach, otherPod)),
                "errors about the tracked flow pass; about an untracked one, or a packet the pod did not send, do not");
        // Echo keeps its treatment: the peer's request is a new ICMP flow the isolation denies; the reply to the
        // pod's own request passes as a reply.
        assertEquals(List.of("drop"), run(toPod, echo(peer, pod, v4 ? 8 : 128)), "echo request in");
        assertEquals(List.of("pass"), run(fromPod, echo(pod, peer, v4 ? 8 : 128)), "echo request out");
        assertEquals(List.of("pass"), run(toPod, echo(peer, pod, v4 ? 0 : 129)), "its echo reply");
    }

    private static byte[] echo(InetAddress src, InetAddress dst, int type) {
        Packets p = Packets.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01");
        p = src.getAddress().length == 4 ? p.ipv4(src.getHostAddress(), dst.getHostAddress())
                : p.ipv6(src.getHostAddress(), dst.getHostAddress());
        return p.icmp(type, 0, 7, 1).build();
    }

    @ParameterizedTest(name = "IPv4 {0}")
    @ValueSource(booleans = {true, false})
    void anEgressIsolatedPodReportsErrorsAboutWhatItAccepted(boolean v4) {
        pod(EnumSet.of(PolicyType.INGRESS, PolicyType.EGRESS),
                List.of(NetworkPolicyRule.ports(NetworkPolicyPort.number(L4Protocol.UDP, 9))), List.of());
        InetAddress peer = PEER.get(v4);
        InetAddress pod = pod(v4);
        byte[] received = KernelPolicyDatapath.frame(peer, pod, L4Protocol.UDP, 43000, 9);
        assertEquals("pass", name(toPod.run(received).verdict()), "UDP 9 is allowed in");
        byte[] notSeen = KernelPolicyDatapath.frame(peer, pod, L4Protocol.UDP, 43001, 9);
        assertEquals(List.of("pass", "drop"), run(fromPod,
                Frames.icmpError(pod, peer, v4 ? 3 : 1, v4 ? 3 : 4, received),
                Frames.icmpError(pod, peer, v4 ? 3 : 1, v4 ? 3 : 4, notSeen)),
                "the port unreachable about the accepted datagram leaves; the one about an unseen datagram does not");
    }
}
