package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.features.KernelVersion;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.NodePolicyUpdater;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.FdLeakCheck;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The policy object on the guest kernel: the verifier accepts both programs (5.10 has no tcx, but loading and
 * BPF_PROG_TEST_RUN need none), and a later fragment follows its first fragment's verdict and an ICMP port
 * unreachable about a tracked flow reaches an ingress-isolated pod, as on the host (PolicyFragmentsAndIcmpIT).
 */
@Tag("guest")
@ExtendWith(FdLeakCheck.class)
class PolicyGuestIT {
    private static final String POD = "10.9.9.9";
    private static final String PEER = "192.0.2.7";

    @Test
    void fragmentsAndIcmpErrorsOnThisKernel() {
        Pod pod = new Pod("x", "p", Map.of("pod", "p"), List.of(InetAddress.ofLiteral(POD)), "n1", List.of());
        NetworkPolicy udp5353 = new NetworkPolicy("x", "p", LabelSelector.matchLabels(Map.of("pod", "p")),
                EnumSet.of(PolicyType.INGRESS), List.of(NetworkPolicyRule.ports(NetworkPolicyPort.number(L4Protocol.UDP, 5353))),
                List.of());
        ClusterState state = new ClusterState(List.of(Namespace.of("x", Map.of())), List.of(pod), List.of(udp5353),
                Map.of("n1", List.of(InetAddress.ofLiteral("192.168.0.1"))));
        try (BpfObject obj = BpfObjects.open(BpfObjects.POLICY).load();
             KernelPolicyMaps maps = KernelPolicyMaps.of(obj)) {
            new NodePolicyUpdater("n1", maps).apply(state);
            ProgramTester fromPod = ProgramTester.of(TcProgram.of(obj.program("policy_from_pod")));
            ProgramTester toPod = ProgramTester.of(TcProgram.of(obj.program("policy_to_pod")));
            byte[] first = udp(PEER, 40000, POD, 5353);
            String linux = "linux " + KernelVersion.running();
            assertEquals(List.of(TestRun.TCX_NEXT, TestRun.TCX_NEXT, TestRun.TCX_DROP), List.of(
                    toPod.run(fragment(first, 0x4242, 0x2000)).verdict(),
                    toPod.run(fragment(first, 0x4242, 185)).verdict(),
                    toPod.run(fragment(first, 0x4343, 185)).verdict()),
                    linux + ": first fragment, its later fragment, an orphan later fragment");

            byte[] sent = udp(POD, 41000, PEER, 9);
            assertEquals(TestRun.TCX_NEXT, fromPod.run(sent).verdict(), linux + ": egress is open");
            assertEquals(List.of(TestRun.TCX_NEXT, TestRun.TCX_DROP), List.of(
                    toPod.run(portUnreachable(sent)).verdict(),
                    toPod.run(portUnreachable(udp(POD, 41001, PEER, 9))).verdict()),
                    linux + ": port unreachable about the tracked flow, about an untracked one");
        }
    }

    private static byte[] udp(String src, int sport, String dst, int dport) {
        return Packets.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01").ipv4(src, dst).udp(sport, dport).build();
    }

    /**
     * The IPv4 frame with another identification and flags/offset field (checksum left stale: unchecked). At offset
     * 185 (1480 bytes) it is a later fragment; its UDP header bytes are then payload.
     */
    private static byte[] fragment(byte[] frame, int id, int flagsAndOffset) {
        byte[] f = frame.clone();
        ByteBuffer.wrap(f).putShort(18, (short) id).putShort(20, (short) flagsAndOffset);
        return f;
    }

    private static byte[] portUnreachable(byte[] offending) {
        return Packets.ethernet("02:00:00:00:00:02", "02:00:00:00:00:01").ipv4(PEER, POD).icmp(3, 3, 0, 0)
                .payload(Arrays.copyOfRange(offending, 14, 14 + 28)).build();
    }
}
