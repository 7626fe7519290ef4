package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.model.ServiceType;
import dev.ebpf4j.k8s.model.SessionAffinity;
import dev.ebpf4j.k8s.model.TargetPort;
import dev.ebpf4j.k8s.model.TrafficPolicy;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCTP on the tc NodePort path, IPv4 and IPv6, through BPF_PROG_TEST_RUN on crafted packets (the host kernel has no SCTP module, and
 * test-run needs none): the DNAT of nodePort to targetPort and the reverse translation must leave a CRC32c that
 * equals {@link CRC32C} recomputed from scratch, for packet lengths that exercise every entry of lb_sctp.h's table
 * reachable in one skb (bits 0-11 of the length after the ports) and for several port pairs.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class SctpNodePortIT {
    private static final String NODE = "172.16.0.1";
    private static final String CLIENT = "198.51.100.9";
    private static final String BACKEND = "10.1.0.1";
    private static final String NODE6 = "fd00::1", CLIENT6 = "fd00:c::9", BACKEND6 = "fd01::1";
    private static final ServiceName SVC = new ServiceName("default", "diameter");
    /** (nodePort, targetPort) pairs: the ports differ in low, high and all bits. */
    private static final int[][] PORTS = {{30868, 3868}, {32000, 80}, {30001, 65535}, {31999, 1}};

    @Test
    void dnatAndReplyKeepTheCrc32cValidForEveryLengthAndPort() {
        translateEveryLengthAndPort(false);
    }

    /** The same over IPv6 (lb_nodeport6.h): the length comes from the payload length, the CRC update is the same. */
    @Test
    void ipv6DnatAndReplyKeepTheCrc32cValid() {
        translateEveryLengthAndPort(true);
    }

    private static void translateEveryLengthAndPort(boolean v6) {
        String node = v6 ? NODE6 : NODE, client = v6 ? CLIENT6 : CLIENT, backend = v6 ? BACKEND6 : BACKEND;
        int l4 = l4Offset(v6);
        try (BpfObject obj = LbObject.open().load(); KernelLbDatapath datapath = KernelLbDatapath.of(obj)) {
            new LbController(LbConfig.forNode("n1"), datapath).sync(snapshot(v6));
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_INGRESS)));
            ProgramTester reply = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_REPLY)));
            Random random = new Random(132);
            int flow = 0;
            for (int sctpLength : lengths()) {
                for (int[] ports : PORTS) {
                    int clientPort = 40000 + flow++;
                    byte[] in = sctp(client, clientPort, node, ports[0], sctpLength, random);
                    byte[] out = translated(ingress.run(in));
                    String what = (v6 ? "IPv6 " : "IPv4 ") + "DNAT " + ports[0] + "->" + ports[1] + ", SCTP length " + sctpLength;
                    assertEquals(InetAddress.ofLiteral(backend), address(out, l4 - (v6 ? 16 : 4), v6), what + ": destination");
                    assertEquals(ports[1], port(out, l4 + 2), what + ": destination port");
                    assertEquals(clientPort, port(out, l4), what + ": source port kept");
                    assertEquals(crc32c(out), storedCrc(out), what + ": CRC32c equals the one computed from scratch");
                    assertArrayEquals(Arrays.copyOfRange(in, l4 + 12, in.length), Arrays.copyOfRange(out, l4 + 12, out.length),
                            what + ": chunks untouched");

                    byte[] back = translated(reply.run(sctp(backend, ports[1], client, clientPort, sctpLength, random)));
                    what = (v6 ? "IPv6 " : "IPv4 ") + "reply " + ports[1] + "->" + ports[0] + ", SCTP length " + sctpLength;
                    assertEquals(InetAddress.ofLiteral(node), address(back, l4 - (v6 ? 32 : 8), v6),
                            what + ": source is the address the client used");
                    assertEquals(ports[0], port(back, l4), what + ": source port is the node port");
                    assertEquals(crc32c(back), storedCrc(back), what + ": CRC32c equals the one computed from scratch");
                }
            }
        }
    }

    @Test
    void sctpToAPortWithoutFrontendAndSctpFragmentsPassUntouched() {
        try (BpfObject obj = LbObject.open().load(); KernelLbDatapath datapath = KernelLbDatapath.of(obj)) {
            new LbController(LbConfig.forNode("n1"), datapath).sync(snapshot(false));
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_INGRESS)));
            byte[] other = sctp(CLIENT, 40000, NODE, 30869, 32, new Random(1));
            TestRun run = ingress.run(other);
            assertEquals(TestRun.TCX_NEXT, run.verdict());
            assertArrayEquals(other, run.output(), "no SCTP frontend on 30869");
            // More fragments: the CRC update would need the whole datagram's length, so it is left to the node.
            byte[] fragment = sctp(CLIENT, 40001, NODE, PORTS[0][0], 64, new Random(2));
            fragment[ETH + 6] = 0x20;
            ipChecksum(fragment);
            assertArrayEquals(fragment, ingress.run(fragment).output(), "first fragment of an SCTP datagram");
        }
    }

    /** SCTP packet lengths (common header included): an INIT, a 1400-byte DATA, 16 + 2^k for k = 0..11, and odd ones; test-run takes frames up to a page less the skb overhead (about 3.7 KB). */
    private static List<Integer> lengths() {
        List<Integer> out = new java.util.ArrayList<>(List.of(32, 1400, 13, 17, 18, 19, 3500));
        for (int k = 0; k <= 11; k++) out.add(16 + (1 << k));
        return out;
    }

    private static ClusterSnapshot snapshot(boolean v6) {
        List<ServicePort> ports = new java.util.ArrayList<>();
        List<EndpointPort> endpointPorts = new java.util.ArrayList<>();
        for (int[] p : PORTS) {
            ports.add(new ServicePort("p" + p[0], Protocol.SCTP, p[1], TargetPort.of(p[1]), p[0]));
            endpointPorts.add(new EndpointPort("p" + p[0], Protocol.SCTP, p[1]));
        }
        Service svc = new Service(SVC, ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral(v6 ? "fd96::20" : "10.96.0.20")), ports,
                List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
        var slice = new EndpointSlice("default", "diameter-1", SVC, v6 ? AddressType.IPV6 : AddressType.IPV4,
                List.of(Endpoint.ready(InetAddress.ofLiteral(v6 ? BACKEND6 : BACKEND), "n1")), endpointPorts);
        return ClusterSnapshot.of(List.of(svc), List.of(slice), 1);
    }

    private static byte[] translated(TestRun run) {
        assertEquals(TestRun.TCX_NEXT, run.verdict(), "translated and handed on to the next tcx program");
        byte[] out = run.output();
        if (isIpv6(out)) return out; // no header checksum
        byte[] copy = out.clone();
        ipChecksum(copy);
        assertArrayEquals(copy, out, "IPv4 header checksum");
        return out;
    }

    /**
     * Ethernet + IPv4 (20 bytes) or IPv6 (40), after the addresses' family, + an SCTP packet of sctpLength bytes: the
     * common header (random verification tag), then a DATA chunk header and random payload, with a valid CRC32c.
     */
    private static byte[] sctp(String src, int sport, String dst, int dport, int sctpLength, Random random) {
        boolean v6 = src.contains(":");
        int l4 = l4Offset(v6);
        ByteBuffer b = ByteBuffer.allocate(l4 + sctpLength);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) (v6 ? 0x86dd : 0x0800));
        if (v6) {
            b.putInt(0x60000000).putShort((short) sctpLength).put((byte) 132).put((byte) 64);
        } else {
            b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + sctpLength)).putShort((short) 7).putShort((short) 0x4000)
                    .put((byte) 64).put((byte) 132).putShort((short) 0);
        }
        b.put(InetAddress.ofLiteral(src).getAddress()).put(InetAddress.ofLiteral(dst).getAddress());
        b.putShort((short) sport).putShort((short) dport).putInt(random.nextInt()).putInt(0);
        byte[] rest = new byte[sctpLength - 12];
        random.nextBytes(rest);
        if (rest.length >= 4) {
            rest[0] = 0; // DATA
            rest[2] = (byte) (rest.length >> 8);
            rest[3] = (byte) rest.length;
        }
        b.put(rest);
        byte[] p = b.array();
        if (!v6) ipChecksum(p);
        ByteBuffer.wrap(p, l4 + 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc32c(p));
        return p;
    }

    private static final int ETH = 14;

    private static int l4Offset(boolean v6) {
        return ETH + (v6 ? 40 : 20);
    }

    private static boolean isIpv6(byte[] frame) {
        return (frame[12] & 0xff) == 0x86 && (frame[13] & 0xff) == 0xdd;
    }

    /** RFC 9260 appendix B: CRC32c over the SCTP packet with the checksum field zero. */
    private static long crc32c(byte[] frame) {
        byte[] sctp = Arrays.copyOfRange(frame, l4Offset(isIpv6(frame)), frame.length);
        Arrays.fill(sctp, 8, 12, (byte) 0);
        CRC32C crc = new CRC32C();
        crc.update(sctp);
        return crc.getValue();
    }

    /** The checksum field, least significant byte first as RFC 9260 stores it. */
    private static long storedCrc(byte[] frame) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(frame, l4Offset(isIpv6(frame)) + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    private static void ipChecksum(byte[] p) {
        p[24] = 0;
        p[25] = 0;
        int sum = 0;
        for (int i = 14; i < 34; i += 2) sum += (p[i] & 0xff) << 8 | (p[i + 1] & 0xff);
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        sum = ~sum & 0xffff;
        p[24] = (byte) (sum >> 8);
        p[25] = (byte) sum;
    }

    private static InetAddress address(byte[] p, int off, boolean v6) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(p, off, off + (v6 ? 16 : 4)));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The 16-bit big-endian value at {@code off} of the frame. */
    private static int port(byte[] p, int off) {
        assertTrue(p.length >= off + 2, "packet too short");
        return (p[off] & 0xff) << 8 | (p[off + 1] & 0xff);
    }
}
