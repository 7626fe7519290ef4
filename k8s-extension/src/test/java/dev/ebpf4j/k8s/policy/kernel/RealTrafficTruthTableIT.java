package dev.ebpf4j.k8s.policy.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.NodePolicyUpdater;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.DropReason;
import dev.ebpf4j.k8s.policy.PolicyCompiler;
import dev.ebpf4j.k8s.policy.PolicyEvaluator;
import dev.ebpf4j.k8s.policy.truthtable.Reachability;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase.Check;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase.Step;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCases;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableRunner;
import dev.ebpf4j.testkit.FdLeakCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upstream truth table with real pods: 9 network namespaces with TCP/UDP servers, the policy programs attached
 * with tcx to their host-side veths, real TCP connects and UDP echoes. For every case, step and check, the measured
 * 9 x 9 matrix equals the upstream expectation and the evaluator's. SCTP checks are not measured: this kernel has
 * no SCTP (they are covered by BPF_PROG_TEST_RUN in {@link PolicyProgramIT}).
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class RealTrafficTruthTableIT {

    @TempDir
    static Path tempDir;
    static KernelPolicyDatapath datapath;
    static PodNetworks pods;
    static int matrices;

    @BeforeAll
    static void setUp() throws Exception {
        Path objDir = Files.createDirectories(tempDir.resolve("obj"));
        datapath = new KernelPolicyDatapath(objDir, List.of(TruthTableModel.NODE));
        pods = new PodNetworks(Files.createDirectories(tempDir.resolve("py")));
        pods.attach(datapath.node(TruthTableModel.NODE));
    }

    @AfterAll
    static void tearDown() {
        try {
            closeAll();
        } finally {
            assertTrue(dev.ebpf4j.testkit.Topology.leftoverNamespaces(PodNetworks.PREFIX).isEmpty(),
                    "namespaces left behind: " + dev.ebpf4j.testkit.Topology.leftoverNamespaces(PodNetworks.PREFIX));
        }
    }

    private static void closeAll() {
        System.out.printf("real traffic: %d matrices measured (%d probes)%n", matrices, matrices * 81);
        if (pods != null) {
            pods.close();
        }
        if (datapath != null) {
            datapath.close();
        }
    }

    /**
     * Updates with real TCP connections: established connections that stay allowed keep flowing, those the new
     * policy denies stop on their next packet, and new connections see the new policy as soon as apply returns.
     */
    @Test
    void policyUpdateKeepsAllowedConnectionsAndCutsDeniedOnes() {
        datapath.clear();
        NodePolicyUpdater updater = new NodePolicyUpdater(TruthTableModel.NODE, datapath.writer(TruthTableModel.NODE));
        ClusterState base = TruthTableModel.initialState();
        updater.apply(base.withPolicy(ingressToYa("from-x", LabelSelector.matchLabels(Map.of("ns", "x")), null)));
        try (PodNetworks.Session session = pods.session()) {
            assertTrue(session.open("xa", "x/a", "y/a") && session.send("xa"), "x/a -> y/a before");
            assertTrue(session.open("xb", "x/b", "y/a") && session.send("xb"), "x/b -> y/a before");
            assertFalse(session.open("za", "z/a", "y/a"), "z/a -> y/a denied before");

            updater.apply(base.withPolicy(ingressToYa("from-x", LabelSelector.matchLabels(Map.of("ns", "x")),
                    LabelSelector.matchLabels(Map.of("pod", "a")))));
            assertTrue(session.send("xa"), "established x/a -> y/a stays allowed");
            assertFalse(session.send("xb"), "established x/b -> y/a is cut");
            assertFalse(session.open("xb2", "x/b", "y/a"), "a new x/b -> y/a is denied");
            assertTrue(session.open("xa2", "x/a", "y/a") && session.send("xa2"), "a new x/a -> y/a is allowed");
        }
    }

    @Test
    void theNodeReachesIsolatedPodsOnlyWhenItsAddressIsKnown() {
        NetworkPolicy denyAll = new NetworkPolicy("x", "deny", LabelSelector.everything(),
                EnumSet.of(PolicyType.INGRESS), List.of(), List.of());
        ClusterState state = TruthTableModel.initialState().withPolicy(denyAll);
        datapath.load(List.of(new PolicyCompiler().compile(state, TruthTableModel.NODE)));
        assertFalse(pods.fromNode("x/a", 80, "TCP"), "an unknown source is the world, and x is closed");
        assertTrue(pods.fromNode("y/a", 80, "TCP"), "y is open");
        ClusterState withNode = new ClusterState(state.namespaces(), state.pods(), state.policies(),
                Map.of(TruthTableModel.NODE, List.of(TruthTableModel.NODE_IP,
                        dev.ebpf4j.k8s.model.Cidr.address(PodNetworks.NODE_ADDRESS))));
        datapath.load(List.of(new PolicyCompiler().compile(withNode, TruthTableModel.NODE)));
        assertTrue(pods.fromNode("x/a", 80, "TCP"), "the pod's own node is always allowed in");
        assertTrue(pods.fromNode("x/b", 81, "UDP"), "over UDP too");
    }

    /**
     * A 4000-byte UDP datagram leaves x/a in three fragments (MTU 1500). Into y/a, isolated but open on UDP 80, the
     * later fragments follow the first one's verdict: port 80 gets the datagram whole and echoes it back to x/a,
     * whose ingress is closed (the reply's later fragments follow their first, a reply); port 81 gets none of it.
     */
    @Test
    void fragmentedDatagramsArriveWholeOnAllowedPortsOnly() {
        NetworkPolicy udp80 = new NetworkPolicy("y", "udp-80", LabelSelector.matchLabels(Map.of("pod", "a")),
                EnumSet.of(PolicyType.INGRESS), List.of(NetworkPolicyRule.ports(NetworkPolicyPort.number(L4Protocol.UDP, 80))),
                List.of());
        ClusterState state = TruthTableModel.initialState().withPolicy(udp80).withPolicy(closedIngress());
        datapath.load(List.of(new PolicyCompiler().compile(state, TruthTableModel.NODE)));
        var maps = datapath.maps(TruthTableModel.NODE);
        assertEquals("echo 4000", pods.udp("x/a", "y/a", 80, 4000), "allowed port, both ways in fragments");
        long before = maps.counter(DropReason.POLICY_INGRESS);
        assertEquals("timeout", pods.udp("x/a", "y/a", 81, 4000), "denied port");
        assertEquals(3, maps.counter(DropReason.POLICY_INGRESS) - before, "the denied datagram's three fragments dropped");
        assertEquals("echo 100", pods.udp("x/a", "y/a", 80, 100), "an unfragmented datagram, for comparison");
    }

    /**
     * x/a may send to y/a but accepts nothing. y/a has no UDP 82 listener: its kernel answers a datagram with an ICMP
     * port unreachable, which passes x/a's ingress isolation as an error about x/a's own flow, so the connected socket
     * sees ECONNREFUSED instead of waiting.
     */
    @Test
    void icmpPortUnreachableReachesAnIsolatedClient() {
        NetworkPolicy toYa = new NetworkPolicy("x", "client", LabelSelector.matchLabels(Map.of("pod", "a")),
                EnumSet.of(PolicyType.INGRESS, PolicyType.EGRESS), List.of(),
                List.of(NetworkPolicyRule.peers(NetworkPolicyPeer.podsInNamespaces(
                        LabelSelector.matchLabels(Map.of("pod", "a")), LabelSelector.matchLabels(Map.of("ns", "y"))))));
        ClusterState state = TruthTableModel.initialState().withPolicy(toYa);
        datapath.load(List.of(new PolicyCompiler().compile(state, TruthTableModel.NODE)));
        assertEquals("refused", pods.udp("x/a", "y/a", 82, 100), "port unreachable from y/a's kernel");
        assertEquals("echo 100", pods.udp("x/a", "y/a", 80, 100), "the echo of a listener, a reply");
        assertEquals("timeout", pods.udp("x/a", "y/b", 82, 100), "y/b is not allowed: nothing leaves, nothing comes back");
    }

    /** x/a accepts nothing. */
    private static NetworkPolicy closedIngress() {
        return new NetworkPolicy("x", "closed", LabelSelector.matchLabels(Map.of("pod", "a")), EnumSet.of(PolicyType.INGRESS),
                List.of(), List.of());
    }

    private static NetworkPolicy ingressToYa(String name, LabelSelector namespaces, LabelSelector podsInThem) {
        NetworkPolicyPeer peer = podsInThem == null ? NetworkPolicyPeer.namespaces(namespaces)
                : NetworkPolicyPeer.podsInNamespaces(podsInThem, namespaces);
        return new NetworkPolicy("y", name, LabelSelector.matchLabels(Map.of("pod", "a")),
                EnumSet.of(PolicyType.INGRESS), List.of(NetworkPolicyRule.peers(peer)), List.of());
    }

    static Stream<TruthTableCase> cases() {
        return TruthTableCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void measuredMatrixEqualsUpstreamAndEvaluator(TruthTableCase testCase) {
        PolicyCompiler compiler = new PolicyCompiler();
        ClusterState state = TruthTableModel.initialState();
        List<String> failures = new ArrayList<>();
        int measured = 0;
        for (Step step : testCase.steps()) {
            state = step.change().apply(state);
            datapath.load(List.of(compiler.compile(state, TruthTableModel.NODE)));
            for (Check check : step.checks()) {
                if (check.protocol() == L4Protocol.SCTP) {
                    continue;
                }
                measured++;
                matrices++;
                boolean[][] actual = pods.matrix(check.port(), check.protocol().name());
                ClusterState s = state;
                boolean[][] evaluated = TruthTableRunner.matrix(s, check,
                        (st, probe) -> new PolicyEvaluator(st).evaluate(probe).allowed());
                List<String> diff = check.expected().differences(actual);
                if (!diff.isEmpty()) {
                    failures.add(step.description() + " " + check.port() + "/" + check.protocol() + ": " + diff
                            + "\nmeasured:\n" + Reachability.render(actual) + "evaluator:\n" + Reachability.render(evaluated));
                }
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
        assertTrue(measured > 0 || testCase.steps().stream().allMatch(st -> st.checks().stream()
                .allMatch(c -> c.protocol() == L4Protocol.SCTP)), "nothing measured");
    }
}
