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
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.programs.packet.ParsedPacket;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * NodePort acceleration: lb_nodeport_xdp translates flows to local backends in front of the tcx program, in the same
 * conntrack, and leaves what it cannot do (fragments, IP options) to tcx untouched. First on crafted packets through
 * BPF_PROG_TEST_RUN (checksums, conntrack shared both ways, tcx leaving XDP's output alone), then with real TCP and UDP
 * from an external namespace through native XDP on the node's veth, fragmented datagrams included.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class NodePortXdpIT {
    private static final String NODE = "172.16.0.1";
    private static final String CLIENT = "198.51.100.9";
    private static final int TCX_DNAT = 0, XDP_DNAT = 1, SAME_PORT = 30090;
    /** LB_XDP_MARK as lb_nodeport_xdp stores it (a __u32 on this little-endian machine) in front of the frame. */
    private static final byte[] MARK = {0x70, 0x78, 0x34, 0x65};

    private static Service service() {
        return new Service(new ServiceName("default", "web"), ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral("10.96.0.10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080),
                        new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(5353), 30053)),
                List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
    }

    private static ClusterSnapshot snapshot(String prefix, int backends) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 1; i <= backends; i++) eps.add(Endpoint.ready(InetAddress.ofLiteral(prefix.formatted(i)), "n1"));
        // "same": its pods listen on the node port itself (targetPort = nodePort), which the translated destination keeps.
        ServiceName same = new ServiceName("default", "same");
        return ClusterSnapshot.of(List.of(service(), new Service(same, ServiceType.NODE_PORT,
                        List.of(InetAddress.ofLiteral("10.96.0.11")),
                        List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(SAME_PORT), SAME_PORT)), List.of(), List.of(),
                        SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER)),
                List.of(new EndpointSlice("default", "web-1", new ServiceName("default", "web"), AddressType.IPV4, eps,
                                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("dns", Protocol.UDP, 5353))),
                        new EndpointSlice("default", "same-1", same, AddressType.IPV4, eps.subList(0, 1),
                                List.of(new EndpointPort("http", Protocol.TCP, SAME_PORT)))), 1);
    }

    private static byte[] tcp(String src, int sport, String dst, int dport, int flags) {
        return Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(src, dst).tcp(sport, dport, flags, 1)
                .payload("GET /".getBytes()).build();
    }

    private static byte[] udp(String src, int sport, String dst, int dport, int payload) {
        return Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(src, dst).udp(sport, dport)
                .payload(new byte[payload]).build();
    }

    private static ParsedPacket checked(TestRun run, int verdict) {
        assertEquals(verdict, run.verdict());
        ParsedPacket p = ParsedPacket.parse(run.output());
        assertTrue(p.ip().orElseThrow().checksumValid(), "IPv4 header checksum");
        assertTrue(p.l4().orElseThrow().checksumValid(), "L4 checksum");
        return p;
    }

    /** frame with the IPv4 fragment field set to flagsAndOffset and the header checksum recomputed. */
    private static byte[] fragment(byte[] frame, int flagsAndOffset) {
        byte[] f = frame.clone();
        f[20] = (byte) (flagsAndOffset >> 8);
        f[21] = (byte) flagsAndOffset;
        f[24] = 0;
        f[25] = 0;
        int sum = ipSum(f);
        f[24] = (byte) (~sum >> 8);
        f[25] = (byte) ~sum;
        return f;
    }

    private static int ipSum(byte[] f) {
        int sum = 0;
        for (int i = 14; i < 34; i += 2) sum += (f[i] & 0xff) << 8 | (f[i + 1] & 0xff);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        return sum;
    }

    private static long sum(PerCpuArrayMap<Long> stats, int slot) {
        return stats.get(slot).orElseThrow().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void xdpTranslatesWhatTcxWouldInTheSameConntrackAndLeavesTheRestUntouched() {
        try (BpfObject obj = LbObject.open().load();
             KernelLbDatapath datapath = KernelLbDatapath.of(obj);
             PerCpuArrayMap<Long> stats = PerCpuArrayMap.of(obj.map(LbObject.NODE_PORT_STATS_MAP), Codec.u64())) {
            new LbController(LbConfig.forNode("n1"), datapath).sync(snapshot("10.1.0.%d", 3));
            ProgramTester xdp = ProgramTester.of(XdpProgram.of(obj.program(LbObject.NODE_PORT_XDP)));
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_INGRESS)));
            ProgramTester reply = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_REPLY)));

            TestRun synRun = marked(xdp.run(tcp(CLIENT, 40000, NODE, 30080, Packets.TCP_SYN)));
            ParsedPacket syn = checked(synRun, TestRun.XDP_PASS);
            String backend = syn.ip().orElseThrow().destination().getHostAddress();
            assertTrue(backend.startsWith("10.1.0."), backend);
            assertEquals(8080, syn.l4().orElseThrow().destinationPort());
            assertEquals(CLIENT, syn.ip().orElseThrow().source().getHostAddress());
            // What the stack hands tcx next: no longer a frontend, so tcx leaves it as it is.
            TestRun after = ingress.run(synRun.output());
            assertEquals(TestRun.TCX_NEXT, after.verdict());
            assertArrayEquals(synRun.output(), after.output(), "tcx does not translate what XDP translated");

            // One conntrack: the flow keeps its backend at XDP and at tcx (XDP detached), and replies go back.
            for (int i = 0; i < 5; i++) {
                assertEquals(backend, checked(marked(xdp.run(tcp(CLIENT, 40000, NODE, 30080, Packets.TCP_ACK))), TestRun.XDP_PASS)
                        .ip().orElseThrow().destination().getHostAddress());
                assertEquals(backend, checked(ingress.run(tcp(CLIENT, 40000, NODE, 30080, Packets.TCP_ACK)), TestRun.TCX_NEXT)
                        .ip().orElseThrow().destination().getHostAddress());
            }
            ParsedPacket back = checked(reply.run(tcp(backend, 8080, CLIENT, 40000, Packets.TCP_SYN | Packets.TCP_ACK)),
                    TestRun.TCX_NEXT);
            assertEquals(NODE, back.ip().orElseThrow().source().getHostAddress());
            assertEquals(30080, back.l4().orElseThrow().sourcePort());
            assertEquals(6, sum(stats, XDP_DNAT));
            assertEquals(5, sum(stats, TCX_DNAT));

            ParsedPacket dns = checked(marked(xdp.run(udp(CLIENT, 5000, NODE, 30053, 40))), TestRun.XDP_PASS);
            assertEquals(5353, dns.l4().orElseThrow().destinationPort());
            byte[] noSum = udp(CLIENT, 5001, NODE, 30053, 40);
            noSum[14 + 20 + 6] = 0;
            noSum[14 + 20 + 7] = 0;
            byte[] out = marked(xdp.run(noSum)).output();
            assertEquals(0, out[40] | out[41], "a UDP checksum of 0 (none) stays 0");
            assertTrue(ParsedPacket.parse(out).ip().orElseThrow().checksumValid());
            assertEquals(5353, ParsedPacket.parse(out).l4().orElseThrow().destinationPort());

            byte[] other = tcp(CLIENT, 40002, NODE, 22, Packets.TCP_SYN);
            assertArrayEquals(other, xdp.run(other).output(), "non-service traffic passes untouched");

            // Fragments: XDP passes both untouched; tcx translates the first and, from lb_frag, the second.
            byte[] whole = udp(CLIENT, 5002, NODE, 30053, 64);
            byte[] first = fragment(whole, 0x2000);
            byte[] second = fragment(whole, 0x0004); // offset 32 bytes, last fragment
            long xdpBefore = sum(stats, XDP_DNAT);
            for (byte[] f : List.of(first, second)) {
                TestRun r = xdp.run(f);
                assertEquals(TestRun.XDP_PASS, r.verdict());
                assertArrayEquals(f, r.output(), "XDP leaves fragments to tcx");
            }
            assertEquals(xdpBefore, sum(stats, XDP_DNAT));
            byte[] t1 = ingress.run(first).output();
            String fragBackend = InetAddress.ofLiteral(ip(t1, 30)).getHostAddress();
            assertTrue(fragBackend.startsWith("10.1.0."), fragBackend);
            assertEquals(5353, (t1[36] & 0xff) << 8 | (t1[37] & 0xff));
            byte[] t2 = ingress.run(second).output();
            assertEquals(fragBackend, ip(t2, 30), "the later fragment follows the first");
            assertEquals(0xffff, ipSum(t2), "header checksum of the translated fragment");
            assertArrayEquals(Arrays.copyOfRange(second, 34, second.length), Arrays.copyOfRange(t2, 34, t2.length),
                    "no L4 header in a later fragment: its bytes stay");

            byte[] options = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(CLIENT, NODE).udp(5003, 30053)
                    .payload(new byte[8]).build();
            byte[] withOptions = new byte[options.length + 4];
            System.arraycopy(options, 0, withOptions, 0, 34);
            withOptions[34] = 1; // four NOP options
            withOptions[35] = 1;
            withOptions[36] = 1;
            withOptions[37] = 1;
            System.arraycopy(options, 34, withOptions, 38, options.length - 34);
            withOptions[14] = 0x46;
            assertArrayEquals(withOptions, xdp.run(withOptions).output(), "IP options are left to tcx");
        }
    }

    @Test
    void everyForwardingModeLoadsWithAndWithoutAcceleration() {
        Inet4Address node = (Inet4Address) InetAddress.ofLiteral(NODE);
        for (NodePortMode mode : NodePortMode.values()) {
            for (NodePortAcceleration a : NodePortAcceleration.values()) {
                long t0 = System.nanoTime();
                try (LoadBalancer lb = LoadBalancer.load(LbConfig.forNode("n1").withNodePortMode(mode, node)
                        .withNodePortAcceleration(a))) {
                    assertTrue(lb.object().program(LbObject.NODE_PORT_INGRESS).isLoaded());
                    assertEquals(a.xdp(), lb.object().program(LbObject.NODE_PORT_XDP).isLoaded(), mode + " " + a);
                }
                System.out.printf("NodePort %s, acceleration %s: loaded in %d ms%n", mode, a, (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    /** A run of the XDP program that translated: its output starts with LB_XDP_MARK (metadata), returned without it. */
    private static TestRun marked(TestRun run) {
        byte[] o = run.output();
        assertArrayEquals(MARK, Arrays.copyOf(o, 4), "LB_XDP_MARK in the metadata in front of the frame");
        return new TestRun(run.verdict(), Arrays.copyOfRange(o, 4, o.length), run.nanosPerRun(), run.context());
    }

    private static String ip(byte[] frame, int off) {
        return (frame[off] & 0xff) + "." + (frame[off + 1] & 0xff) + "." + (frame[off + 2] & 0xff) + "." + (frame[off + 3] & 0xff);
    }

    @Test
    void externalTcpAndUdpThroughNativeXdpComeBackFromTheNodeAddress() throws Exception {
        List<AutoCloseable> servers = new ArrayList<>();
        try (Topology topo = Topology.create("e4jxdp");
             LoadBalancer lb = LoadBalancer.load(LbConfig.forNode("n1")
                     .withNodePortAcceleration(NodePortAcceleration.XDP_NATIVE));
             PerCpuArrayMap<Long> stats = PerCpuArrayMap.of(lb.object().map(LbObject.NODE_PORT_STATS_MAP), Codec.u64())) {
            NetNamespace ext = topo.namespace("ext");
            NetNamespace node = topo.namespace("node");
            topo.veth(ext, "eth0", "10.0.0.2/24", node, "ext0", "10.0.0.1/24");
            for (int i = 1; i <= 3; i++) {
                NetNamespace b = topo.namespace("b" + i);
                topo.veth(node, "vb" + i, "10.1." + i + ".254/24", b, "eth0", "10.1." + i + ".1/24");
                b.ip("route", "add", "10.0.0.0/24", "via", "10.1." + i + ".254");
                String name = "b" + i;
                InetAddress addr = InetAddress.ofLiteral("10.1." + i + ".1");
                ServerSocket ss = b.call(() -> new ServerSocket(8080, 50, addr));
                if (i == 1) {
                    ServerSocket same = b.call(() -> new ServerSocket(SAME_PORT, 50, addr));
                    servers.add(same);
                    Thread.ofPlatform().daemon().start(() -> serve(same, "same"));
                }
                DatagramSocket ds = b.call(() -> new DatagramSocket(new InetSocketAddress(addr, 5353)));
                servers.add(ss);
                servers.add(ds);
                Thread.ofPlatform().daemon().start(() -> serve(ss, name));
                Thread.ofPlatform().daemon().start(() -> echo(ds, name));
            }
            node.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
            topo.verifyIsolated();
            lb.controller().sync(snapshot("10.1.%d.1", 3));
            node.run(() -> lb.attachNodePort("ext0"));
            String link = node.ip("-d", "link", "show", "ext0");
            assertTrue(link.contains("prog/xdp ") || link.contains(" xdp "), "native XDP on the veth: " + link);
            assertFalse(link.contains("xdpgeneric"), link);

            Set<String> seen = new TreeSet<>();
            for (int i = 0; i < 30; i++) {
                seen.add(ext.call(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("10.0.0.1", 30080), 2000);
                        assertEquals(new InetSocketAddress("10.0.0.1", 30080), s.getRemoteSocketAddress());
                        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                    }
                }));
            }
            assertEquals(Set.of("b1", "b2", "b3"), seen);
            // Translated to 10.1.1.1:30090, a destination whose port is a node port: tcx must not translate it again.
            for (int i = 0; i < 5; i++) {
                assertEquals("same", ext.call(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("10.0.0.1", SAME_PORT), 2000);
                        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                    }
                }));
            }
            for (int i = 0; i < 10; i++) assertTrue(udpExchange(ext, 100).matches("b[123] 100"));
            long xdp = sum(stats, XDP_DNAT), tcx = sum(stats, TCX_DNAT);
            System.out.println("NodePort over native XDP: " + xdp + " packets DNATed at XDP, " + tcx + " at tcx");
            // Each connection: SYN, ACK, FIN/ACK at least; each datagram one packet.
            assertTrue(xdp >= 35 * 3 + 10, "XDP translated " + xdp);
            assertEquals(0, tcx, "tcx translated nothing XDP could");

            // 3000 bytes over a 1500-byte MTU: fragments, which XDP leaves to tcx.
            for (int i = 0; i < 5; i++) assertTrue(udpExchange(ext, 3000).matches("b[123] 3000"));
            assertTrue(sum(stats, TCX_DNAT) >= 5 * 3, "tcx translated the fragments: " + sum(stats, TCX_DNAT));
        } finally {
            for (AutoCloseable s : servers) s.close();
        }
    }

    /** One datagram of size bytes from ext to the node port; the answer must come from the node address. */
    private static String udpExchange(NetNamespace ext, int size) {
        return ext.call(() -> {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(2000);
                s.send(new DatagramPacket(new byte[size], size, new InetSocketAddress("10.0.0.1", 30053)));
                DatagramPacket in = new DatagramPacket(new byte[64], 64);
                s.receive(in);
                assertEquals(new InetSocketAddress("10.0.0.1", 30053), in.getSocketAddress(), "reply translated");
                return new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
            }
        });
    }

    private static void serve(ServerSocket ss, String name) {
        while (!ss.isClosed()) {
            try (Socket s = ss.accept(); var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                out.println(name);
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Answers each datagram with the backend's name and the size received (small: the reply is never fragmented). */
    private static void echo(DatagramSocket ds, String name) {
        byte[] buf = new byte[65536];
        while (!ds.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                ds.receive(p);
                byte[] answer = (name + " " + p.getLength()).getBytes(StandardCharsets.US_ASCII);
                ds.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException closed) {
                return;
            }
        }
    }
}
