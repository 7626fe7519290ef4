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
import dev.ebpf4j.maps.LruHashMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.Length;
import dev.ebpf4j.maps.codec.NetworkOrder;
import dev.ebpf4j.maps.codec.Unsigned;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.programs.packet.ParsedPacket;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The TC NodePort datapath on crafted packets through BPF_PROG_TEST_RUN: DNAT to a backend with valid checksums,
 * conntrack stickiness, reverse translation of replies, and Maglev's remapping when a backend goes.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class NodePortIT {
    private static final String NODE = "172.16.0.1";
    private static final String CLIENT = "198.51.100.9";

    /** struct lb_ct_key, for clearing conntrack between phases. */
    record CtKey(@Length(4) byte[] saddr, @Length(4) byte[] daddr, @NetworkOrder @Unsigned(bits = 16) int sport,
                 @NetworkOrder @Unsigned(bits = 16) int dport, @Unsigned(bits = 8) int proto, @Unsigned(bits = 8) int dir,
                 @Unsigned(bits = 16) int pad) {
    }

    /** struct lb_ct. */
    record Ct(@Length(4) byte[] addr, @NetworkOrder @Unsigned(bits = 16) int port, @NetworkOrder @Unsigned(bits = 16) int natPort,
              int backendId, int flags, long lastSeenNs) {
    }

    private static Service nodePortService() {
        return new Service(new ServiceName("default", "web"), ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral("10.96.0.10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080),
                        new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(5353), 30053)),
                List.of(InetAddress.ofLiteral("192.0.2.7")), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
    }

    private static ClusterSnapshot snapshot(int backends, int skip) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 1; i <= backends; i++) {
            if (i != skip) eps.add(Endpoint.ready(InetAddress.ofLiteral("10.1.0." + i), "n1"));
        }
        var slice = new EndpointSlice("default", "web-1", new ServiceName("default", "web"), AddressType.IPV4, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("dns", Protocol.UDP, 5353)));
        return ClusterSnapshot.of(List.of(nodePortService()), List.of(slice), 1);
    }

    private static byte[] tcp(String src, int sport, String dst, int dport, int flags) {
        return Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(src, dst).tcp(sport, dport, flags, 1)
                .payload("GET /".getBytes()).build();
    }

    private static byte[] udp(String src, int sport, String dst, int dport) {
        return Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(src, dst).udp(sport, dport)
                .payload("query".getBytes()).build();
    }

    private static ParsedPacket checked(TestRun run) {
        assertEquals(TestRun.TCX_NEXT, run.verdict(), "translated and handed on to the next tcx program");
        ParsedPacket p = ParsedPacket.parse(run.output());
        assertTrue(p.ip().orElseThrow().checksumValid(), "IPv4 header checksum");
        assertTrue(p.l4().orElseThrow().checksumValid(), "L4 checksum");
        return p;
    }

    @Test
    void nodePortDnatConntrackAndReverseTranslation(@TempDir Path dir) {
        try (BpfObject obj = LbObject.open().load();
             KernelLbDatapath datapath = KernelLbDatapath.of(obj)) {
            new LbController(LbConfig.forNode("n1"), datapath).sync(snapshot(3, 0));
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program("lb_nodeport_ingress")));
            ProgramTester reply = ProgramTester.of(TcProgram.of(obj.program("lb_nodeport_reply")));

            ParsedPacket syn = checked(ingress.run(tcp(CLIENT, 40000, NODE, 30080, Packets.TCP_SYN)));
            String backend = syn.ip().orElseThrow().destination().getHostAddress();
            assertTrue(backend.startsWith("10.1.0."), backend);
            assertEquals(8080, syn.l4().orElseThrow().destinationPort());
            assertEquals(CLIENT, syn.ip().orElseThrow().source().getHostAddress(), "source kept: no SNAT");

            for (int i = 0; i < 10; i++) {
                ParsedPacket ack = checked(ingress.run(tcp(CLIENT, 40000, NODE, 30080, Packets.TCP_ACK)));
                assertEquals(backend, ack.ip().orElseThrow().destination().getHostAddress(), "conntrack keeps the flow's backend");
            }

            ParsedPacket back = checked(reply.run(tcp(backend, 8080, CLIENT, 40000, Packets.TCP_SYN | Packets.TCP_ACK)));
            assertEquals(NODE, back.ip().orElseThrow().source().getHostAddress(), "reply source is the address the client used");
            assertEquals(30080, back.l4().orElseThrow().sourcePort());

            ParsedPacket ext = checked(ingress.run(tcp(CLIENT, 40001, "192.0.2.7", 80, Packets.TCP_SYN)));
            assertTrue(ext.ip().orElseThrow().destination().getHostAddress().startsWith("10.1.0."), "external IP frontend");

            ParsedPacket dns = checked(ingress.run(udp(CLIENT, 5000, NODE, 30053)));
            assertEquals(5353, dns.l4().orElseThrow().destinationPort());
            String dnsBackend = dns.ip().orElseThrow().destination().getHostAddress();
            ParsedPacket dnsBack = checked(reply.run(udp(dnsBackend, 5353, CLIENT, 5000)));
            assertEquals(NODE, dnsBack.ip().orElseThrow().source().getHostAddress());
            assertEquals(30053, dnsBack.l4().orElseThrow().sourcePort());

            byte[] other = tcp(CLIENT, 40002, NODE, 22, Packets.TCP_SYN);
            assertArrayEquals(other, ingress.run(other).output(), "non-service traffic passes untouched");
        }
    }

    @Test
    void serviceWithoutBackendsIsLeftToTheNodeStack(@TempDir Path dir) {
        try (BpfObject obj = LbObject.open().load();
             KernelLbDatapath datapath = KernelLbDatapath.of(obj)) {
            new LbController(LbConfig.forNode("n1"), datapath).sync(snapshot(0, 0));
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program("lb_nodeport_ingress")));
            byte[] syn = tcp(CLIENT, 40000, NODE, 30080, Packets.TCP_SYN);
            TestRun run = ingress.run(syn);
            assertEquals(TestRun.TCX_NEXT, run.verdict());
            assertArrayEquals(syn, run.output(), "unchanged: the node answers with RST (no listener on the node port)");
        }
    }

    @Test
    void maglevRemovingOneOfTenBackendsRemapsAboutATenthOfNewFlows(@TempDir Path dir) {
        int n = 10, flows = 4000;
        try (BpfObject obj = LbObject.open().load();
             KernelLbDatapath datapath = KernelLbDatapath.of(obj);
             LruHashMap<CtKey, Ct> ct = LruHashMap.of(obj.map("lb_ct"), Codec.of(CtKey.class), Codec.of(Ct.class))) {
            LbController controller = new LbController(LbConfig.forNode("n1").withSelection(Selection.MAGLEV), datapath);
            controller.sync(snapshot(n, 0));
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program("lb_nodeport_ingress")));
            Map<Integer, String> before = new HashMap<>();
            for (int i = 0; i < flows; i++) {
                String client = "198.51." + (100 + i / 250) + "." + (i % 250 + 1);
                before.put(i, checked(ingress.run(tcp(client, 10000 + i, NODE, 30080, Packets.TCP_SYN))).ip().orElseThrow()
                        .destination().getHostAddress());
            }
            controller.sync(snapshot(n, 4)); // 10.1.0.4 goes
            ct.removeAll(new ArrayList<>(ct.getAll().keySet())); // forget flows: measure where new flows land
            int moved = 0, victim = 0;
            for (int i = 0; i < flows; i++) {
                String client = "198.51." + (100 + i / 250) + "." + (i % 250 + 1);
                String now = checked(ingress.run(tcp(client, 10000 + i, NODE, 30080, Packets.TCP_SYN))).ip().orElseThrow()
                        .destination().getHostAddress();
                assertNotEquals("10.1.0.4", now, "removed backend chosen");
                if (before.get(i).equals("10.1.0.4")) victim++;
                if (!now.equals(before.get(i))) moved++;
            }
            double fraction = (double) moved / flows;
            System.out.printf("maglev N=%d: %d of %d flows moved (%.3f; the removed backend had %d)%n", n, moved, flows, fraction, victim);
            assertTrue(fraction >= (double) victim / flows, "at least the removed backend's flows move");
            assertTrue(fraction < 0.16, "moved " + fraction + ", expected about 1/" + n);
        }
    }
}
