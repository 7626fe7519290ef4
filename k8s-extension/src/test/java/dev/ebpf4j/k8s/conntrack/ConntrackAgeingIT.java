package dev.ebpf4j.k8s.conntrack;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.k8s.lb.KernelLbDatapath;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.LbObject;
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
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.NodePolicyUpdater;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.maps.LruHashMap;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.programs.packet.ParsedPacket;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Conntrack ageing on the real NodePort and policy programs, driven with crafted packets through BPF_PROG_TEST_RUN:
 * 100,000 short flows (UDP, FIN-closed TCP, RST-closed TCP, SYN-only TCP) fill the tables, and after their
 * timeouts one sweep leaves only the flows that are still alive: an established TCP flow (long timeout) and flows
 * whose packets keep coming (refreshed). An entry that expired but was not swept is treated as new.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class ConntrackAgeingIT {
    private static final String NODE = "172.16.0.1";
    private static final int FLOWS = 100_000;
    /** Short timeouts for the test: established TCP 30 s (outlives the test), everything else 1 s. */
    private static final ConntrackTimeouts TIMEOUTS = new ConntrackTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(1));
    private static final int TCP = 6, UDP = 17;

    private static Service service() {
        return new Service(new ServiceName("default", "web"), ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral("10.96.0.10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080),
                        new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(5353), 30053)),
                List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
    }

    private static ClusterSnapshot snapshot(List<String> backends, long generation) {
        List<Endpoint> eps = backends.stream().map(b -> Endpoint.ready(InetAddress.ofLiteral(b), "n1")).toList();
        var slice = new EndpointSlice("default", "web-1", new ServiceName("default", "web"), AddressType.IPV4, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("dns", Protocol.UDP, 5353)));
        return ClusterSnapshot.of(List.of(service()), List.of(slice), generation);
    }

    private static byte[] tcp(String src, int sport, String dst, int dport, int flags) {
        return Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(src, dst).tcp(sport, dport, flags, 1)
                .payload(new byte[8]).build();
    }

    private static byte[] udp(String src, int sport, String dst, int dport) {
        return Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4(src, dst).udp(sport, dport)
                .payload(new byte[8]).build();
    }

    /** Client i of the short flows: 10.200.x.y with ports 1024-60999, distinct for every i below 2^22. */
    private static String client(int i) {
        int host = i / 50_000;
        return "10.200." + (host >> 8) + "." + (host & 0xff);
    }

    private static int clientPort(int i) {
        return 1024 + i % 50_000;
    }

    /** struct lb_ct_key of a forward entry (client -> frontend). */
    private static byte[] forwardKey(String client, int cport, String frontend, int fport, int proto) {
        byte[] k = new byte[16];
        System.arraycopy(InetAddress.ofLiteral(client).getAddress(), 0, k, 0, 4);
        System.arraycopy(InetAddress.ofLiteral(frontend).getAddress(), 0, k, 4, 4);
        k[8] = (byte) (cport >> 8);
        k[9] = (byte) cport;
        k[10] = (byte) (fport >> 8);
        k[11] = (byte) fport;
        k[12] = (byte) proto;
        return k;
    }

    /** struct policy_ct_key of a connection the pod opened (direction EGRESS), addresses IPv4-mapped. */
    private static byte[] policyKey(String pod, int sport, String peer, int dport, int proto) {
        byte[] k = new byte[40];
        k[10] = k[11] = (byte) 0xff;
        System.arraycopy(InetAddress.ofLiteral(pod).getAddress(), 0, k, 12, 4);
        k[26] = k[27] = (byte) 0xff;
        System.arraycopy(InetAddress.ofLiteral(peer).getAddress(), 0, k, 28, 4);
        k[32] = (byte) (sport >> 8);
        k[33] = (byte) sport;
        k[34] = (byte) (dport >> 8);
        k[35] = (byte) dport;
        k[36] = (byte) proto;
        k[37] = 2;
        return k;
    }

    private static String destination(TestRun run) {
        assertEquals(TestRun.TCX_NEXT, run.verdict());
        return ParsedPacket.parse(run.output()).ip().orElseThrow().destination().getHostAddress();
    }

    private static void sleepKeeping(Duration d, Runnable everyTick) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            everyTick.run();
            Thread.sleep(100);
        }
    }

    @Test
    void nodePortFlowsAgeOutAndOneSweepEmptiesTheTable() throws Exception {
        LbConfig config = LbConfig.forNode("n1").withConntrack(TIMEOUTS);
        try (BpfObject obj = LbObject.configure(LbObject.open(), config).load();
             KernelLbDatapath datapath = KernelLbDatapath.of(obj);
             ConntrackGc gc = ConntrackGc.forLoadBalancer(obj, TIMEOUTS);
             LruHashMap<byte[], byte[]> ct = LruHashMap.of(obj.map(LbObject.CONNTRACK_MAP), ConntrackTable.LB_CT.key, ConntrackTable.LB_CT.value)) {
            new LbController(config, datapath).sync(snapshot(List.of("10.1.0.1", "10.1.0.2", "10.1.0.3"), 1));
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_INGRESS)));
            ProgramTester reply = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_REPLY)));

            // The flow that must survive idle: established TCP (30 s timeout).
            String idleBackend = destination(ingress.run(tcp("10.9.0.1", 40000, NODE, 30080, Packets.TCP_SYN)));
            destination(ingress.run(tcp("10.9.0.1", 40000, NODE, 30080, Packets.TCP_ACK)));

            long t0 = System.nanoTime();
            int udp = 0, fin = 0, rst = 0, syn = 0;
            for (int i = 0; i < FLOWS; i++) {
                String c = client(i);
                int p = clientPort(i);
                switch (i % 4) {
                    case 0 -> {
                        destination(ingress.run(udp(c, p, NODE, 30053)));
                        udp++;
                    }
                    case 1 -> {
                        String b = destination(ingress.run(tcp(c, p, NODE, 30080, Packets.TCP_SYN)));
                        reply.run(tcp(b, 8080, c, p, Packets.TCP_SYN | Packets.TCP_ACK));
                        ingress.run(tcp(c, p, NODE, 30080, Packets.TCP_FIN | Packets.TCP_ACK));
                        fin++;
                    }
                    case 2 -> {
                        String b = destination(ingress.run(tcp(c, p, NODE, 30080, Packets.TCP_SYN)));
                        reply.run(tcp(b, 8080, c, p, Packets.TCP_RST | Packets.TCP_ACK));
                        rst++;
                    }
                    default -> {
                        destination(ingress.run(tcp(c, p, NODE, 30080, Packets.TCP_SYN)));
                        syn++;
                    }
                }
            }
            long made = System.nanoTime() - t0;
            ConntrackGc.Sweep first = gc.sweep();
            int held = first.before().get("lb_ct");
            System.out.printf("NodePort: %,d flows (%d UDP, %d FIN, %d RST, %d SYN-only) made in %d ms; lb_ct holds %,d"
                            + " entries; first sweep deleted %,d in %d ms%n", FLOWS, udp, fin, rst, syn, made / 1_000_000,
                    held, first.deleted(), first.took().toMillis());
            // Each flow has a forward and a reply entry; a sweep while they are young must not free the live ones.
            assertTrue(held >= 2 * FLOWS, "lb_ct holds every flow's two entries: " + held);

            // The flows that must survive by talking: TCP (established after its first ACK) and UDP, both past their
            // 1 s timeout only if their packets stopped refreshing them.
            String liveTcpBackend = destination(ingress.run(tcp("10.9.0.2", 40000, NODE, 30080, Packets.TCP_SYN)));
            String liveUdpBackend = destination(ingress.run(udp("10.9.0.3", 40000, NODE, 30053)));
            byte[] liveAck = tcp("10.9.0.2", 40000, NODE, 30080, Packets.TCP_ACK);
            byte[] liveDatagram = udp("10.9.0.3", 40000, NODE, 30053);

            sleepKeeping(Duration.ofMillis(2500), () -> {
                assertEquals(liveTcpBackend, destination(ingress.run(liveAck)), "a talking flow keeps its backend");
                assertEquals(liveUdpBackend, destination(ingress.run(liveDatagram)), "a talking flow keeps its backend");
            });
            ConntrackGc.Sweep second = gc.sweep();
            int left = second.after().get("lb_ct");
            System.out.printf("NodePort: after the timeouts one sweep took %d ms for %,d entries: deleted %,d, left %d"
                            + " (lb_snat %d)%n", second.took().toMillis(), second.before().get("lb_ct"), second.deleted(),
                    left, second.after().get("lb_snat"));
            assertTrue(left <= 8, "only the 3 live flows' entries (6) are left: " + left);
            assertEquals(left, countEntries(ct), "the sweep's count is the map's");
            for (String c : List.of("10.9.0.1", "10.9.0.2")) {
                assertTrue(ct.get(forwardKey(c, 40000, NODE, 30080, TCP)).isPresent(), "flow of " + c + " kept");
            }
            assertTrue(ct.get(forwardKey("10.9.0.3", 40000, NODE, 30053, UDP)).isPresent(), "talking UDP flow kept");
            assertEquals(idleBackend, destination(ingress.run(tcp("10.9.0.1", 40000, NODE, 30080, Packets.TCP_ACK))),
                    "the idle established flow (30 s timeout) still has its backend");
            assertTrue(ct.get(forwardKey(client(1), clientPort(1), NODE, 30080, TCP)).isEmpty(), "FIN-closed flow gone");
            assertEquals(second.deleted(), gc.deletedTotal().get("lb_ct") + gc.deletedTotal().get("lb_snat") - first.deleted());
        }
    }

    private static int countEntries(LruHashMap<byte[], byte[]> m) {
        return m.getAll().size();
    }

    @Test
    void expiredButNotSweptEntryIsTreatedAsNew() throws Exception {
        LbConfig config = LbConfig.forNode("n1").withConntrack(TIMEOUTS);
        try (BpfObject obj = LbObject.configure(LbObject.open(), config).load();
             KernelLbDatapath datapath = KernelLbDatapath.of(obj);
             LruHashMap<byte[], byte[]> ct = LruHashMap.of(obj.map(LbObject.CONNTRACK_MAP), ConntrackTable.LB_CT.key, ConntrackTable.LB_CT.value)) {
            List<String> all = List.of("10.1.0.1", "10.1.0.2", "10.1.0.3");
            LbController controller = new LbController(config, datapath);
            controller.sync(snapshot(all, 1));
            ProgramTester ingress = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_INGRESS)));
            ProgramTester reply = ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_REPLY)));
            byte[] datagram = udp("10.9.0.7", 41000, NODE, 30053);
            String first = destination(ingress.run(datagram));
            // Its backend leaves the Service: conntrack keeps the live flow on it, ...
            List<String> rest = all.stream().filter(b -> !b.equals(first)).toList();
            controller.sync(snapshot(rest, 2));
            assertEquals(first, destination(ingress.run(datagram)), "a live flow keeps its backend");
            Thread.sleep(1300); // past the 1 s UDP timeout; nothing sweeps
            assertTrue(ct.get(forwardKey("10.9.0.7", 41000, NODE, 30053, UDP)).isPresent(), "entry still in the map");
            // ... but once expired the entry counts as absent: the reply is not translated and the flow is chosen anew.
            byte[] answer = udp(first, 5353, "10.9.0.7", 41000);
            assertArrayEquals(answer, reply.run(answer).output(), "an expired reply entry translates nothing");
            String again = destination(ingress.run(datagram));
            assertTrue(rest.contains(again), "an expired flow is new: chosen among the current backends, got " + again);
        }
    }

    /** struct lb_ct of a SNATed forward entry (flags LB_CT_F_SNAT) last seen at {@code seen}. */
    private static byte[] snatForward(String backend, int port, int natPort, long seen) {
        java.nio.ByteBuffer v = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        v.put(InetAddress.ofLiteral(backend).getAddress()).putShort(Short.reverseBytes((short) port))
                .putShort(Short.reverseBytes((short) natPort)).putInt(1).putInt(1).putLong(seen);
        return v.array();
    }

    /** struct lb_snat_key and struct lb_snat of that flow. */
    private static byte[][] snatEntry(String backend, int port, int natPort, String client, int cport, String frontend,
                                      int fport, long seen) {
        java.nio.ByteBuffer k = java.nio.ByteBuffer.allocate(16);
        k.put(InetAddress.ofLiteral(backend).getAddress()).put(InetAddress.ofLiteral(NODE).getAddress())
                .putShort((short) port).putShort((short) natPort).put((byte) UDP);
        java.nio.ByteBuffer v = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        v.put(InetAddress.ofLiteral(client).getAddress()).put(InetAddress.ofLiteral(frontend).getAddress())
                .putShort(Short.reverseBytes((short) cport)).putShort(Short.reverseBytes((short) fport)).putInt(0).putLong(seen);
        return new byte[][] {k.array(), v.array()};
    }

    /** An lb_ct6 key and value (struct lb_ct6_key / struct lb_ct6) of a UDP flow from client, last seen at {@code seen}. */
    private static byte[][] ct6Entry(String client, int dir, long seen) {
        java.nio.ByteBuffer k = java.nio.ByteBuffer.allocate(40);
        k.put(InetAddress.ofLiteral(client).getAddress()).put(InetAddress.ofLiteral("fd00::1").getAddress())
                .putShort((short) 5000).putShort((short) 30053).put((byte) UDP).put((byte) dir);
        java.nio.ByteBuffer v = java.nio.ByteBuffer.allocate(40).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        v.put(InetAddress.ofLiteral("fd01:1::1").getAddress()).putShort((short) 0).putShort((short) 0).putInt(1)
                .putInt(0).putInt(0).putLong(seen);
        return new byte[][] {k.array(), v.array()};
    }

    @Test
    void sweepDeletesExpiredIpv6Entries() {
        try (BpfObject obj = LbObject.configure(LbObject.open(), LbConfig.forNode("n1").withConntrack(TIMEOUTS)).load();
             ConntrackGc gc = ConntrackGc.forLoadBalancer(obj, TIMEOUTS);
             LruHashMap<byte[], byte[]> ct6 = LruHashMap.of(obj.map("lb_ct6"), ConntrackTable.LB_CT6.key, ConntrackTable.LB_CT6.value)) {
            long now = System.nanoTime(), old = now - 2_000_000_000L; // past the 1 s UDP lifetime
            byte[][] gone = ct6Entry("fd00::7", 0, old), kept = ct6Entry("fd00::8", 0, now);
            ct6.put(gone[0], gone[1]);
            ct6.put(kept[0], kept[1]);
            ConntrackGc.Sweep sweep = gc.sweep();
            assertEquals(1, sweep.deleted(), sweep.toString());
            assertTrue(ct6.get(gone[0]).isEmpty(), "expired IPv6 entry deleted");
            assertTrue(ct6.get(kept[0]).isPresent(), "live IPv6 entry kept");
            assertEquals(1L, gc.entries().get("lb_ct6"));
        }
    }

    @Test
    void sweepDeletesTheSnatEntryOfAnExpiredForwardEntry() {
        try (BpfObject obj = LbObject.configure(LbObject.open(), LbConfig.forNode("n1").withConntrack(TIMEOUTS)).load();
             ConntrackGc gc = ConntrackGc.forLoadBalancer(obj, TIMEOUTS);
             LruHashMap<byte[], byte[]> ct = LruHashMap.of(obj.map(LbObject.CONNTRACK_MAP), ConntrackTable.LB_CT.key, ConntrackTable.LB_CT.value);
             LruHashMap<byte[], byte[]> snat = LruHashMap.of(obj.map(LbObject.SNAT_MAP), ConntrackTable.LB_SNAT.key, ConntrackTable.LB_SNAT.value)) {
            long now = System.nanoTime(), old = now - 2_000_000_000L;
            // Flow A: forward entry expired (its last packet 2 s ago), its SNAT entry refreshed just now: both go.
            byte[] fwdA = forwardKey("198.51.100.1", 5000, "192.0.2.7", 53, UDP);
            ct.put(fwdA, snatForward("10.2.0.1", 5353, 40001, old));
            byte[][] snatA = snatEntry("10.2.0.1", 5353, 40001, "198.51.100.1", 5000, "192.0.2.7", 53, now);
            snat.put(snatA[0], snatA[1]);
            // Flow B: both fresh: both stay. Flow C: a SNAT entry alone, expired: it goes.
            byte[] fwdB = forwardKey("198.51.100.2", 5000, "192.0.2.7", 53, UDP);
            ct.put(fwdB, snatForward("10.2.0.1", 5353, 40002, now));
            byte[][] snatB = snatEntry("10.2.0.1", 5353, 40002, "198.51.100.2", 5000, "192.0.2.7", 53, now);
            snat.put(snatB[0], snatB[1]);
            byte[][] snatC = snatEntry("10.2.0.1", 5353, 40003, "198.51.100.3", 5000, "192.0.2.7", 53, old);
            snat.put(snatC[0], snatC[1]);

            ConntrackGc.Sweep sweep = gc.sweep();
            assertEquals(3, sweep.deleted(), "A's two entries and C's: " + sweep);
            assertTrue(ct.get(fwdA).isEmpty() && snat.get(snatA[0]).isEmpty(), "flow A gone with its SNAT entry");
            assertTrue(ct.get(fwdB).isPresent() && snat.get(snatB[0]).isPresent(), "flow B kept");
            assertTrue(snat.get(snatC[0]).isEmpty(), "expired SNAT entry gone");
            assertEquals(java.util.Map.of("lb_ct", 1L, "lb_snat", 1L, "lb_ct6", 0L, "lb_snat6", 0L), gc.entries());
        }
    }

    @Test
    void policyTreatsAnExpiredConnectionAsNew() throws Exception {
        BpfObjectSpec spec = KernelPolicyMaps.configureConntrack(BpfObjects.open(BpfObjects.POLICY), TIMEOUTS);
        try (BpfObject obj = spec.load();
             KernelPolicyMaps maps = KernelPolicyMaps.of(obj);
             LruHashMap<byte[], byte[]> ct = LruHashMap.of(obj.map(KernelPolicyMaps.CONNTRACK_MAP), ConntrackTable.POLICY.key, ConntrackTable.POLICY.value)) {
            NodePolicyUpdater updater = new NodePolicyUpdater(TruthTableModel.NODE, maps);
            updater.apply(TruthTableModel.initialState());
            ProgramTester fromPod = ProgramTester.of(TcProgram.of(obj.program("policy_from_pod")));
            ProgramTester toPod = ProgramTester.of(TcProgram.of(obj.program("policy_to_pod")));
            String pod = TruthTableModel.ip("x", "a").getHostAddress();
            assertEquals(TestRun.TCX_NEXT, fromPod.run(udp(pod, 40002, "203.0.113.9", 53)).verdict(), "x/a may send anywhere");
            // Now x/a accepts nothing from outside: the reply of its own connection still passes, as conntrack says ...
            NetworkPolicy denyIngress = new NetworkPolicy("x", "deny-in", LabelSelector.matchLabels(Map.of("pod", "a")),
                    EnumSet.of(PolicyType.INGRESS), List.of(), List.of());
            updater.apply(TruthTableModel.initialState().withPolicy(denyIngress));
            byte[] answer = udp("203.0.113.9", 53, pod, 40002);
            assertEquals(TestRun.TCX_NEXT, toPod.run(answer).verdict(), "the reply of a tracked connection passes");
            Thread.sleep(1300); // past the 1 s UDP timeout; nothing sweeps
            assertTrue(ct.get(policyKey(pod, 40002, "203.0.113.9", 53, UDP)).isPresent(), "entry still in the map");
            // ... until it expires: then the datagram is a new connection into x/a, which its policy denies.
            assertEquals(2, toPod.run(answer).verdict(), "an expired connection is decided anew: TCX_DROP");
        }
    }

    @Test
    void policyConnectionsAgeOutAndOneSweepEmptiesTheTable() throws Exception {
        BpfObjectSpec spec = KernelPolicyMaps.configureConntrack(BpfObjects.open(BpfObjects.POLICY), TIMEOUTS);
        try (BpfObject obj = spec.load();
             KernelPolicyMaps maps = KernelPolicyMaps.of(obj);
             ConntrackGc gc = ConntrackGc.forPolicy(obj, TIMEOUTS);
             LruHashMap<byte[], byte[]> ct = LruHashMap.of(obj.map(KernelPolicyMaps.CONNTRACK_MAP), ConntrackTable.POLICY.key, ConntrackTable.POLICY.value)) {
            new NodePolicyUpdater(TruthTableModel.NODE, maps).apply(TruthTableModel.initialState());
            ProgramTester fromPod = ProgramTester.of(TcProgram.of(obj.program("policy_from_pod")));
            ProgramTester toPod = ProgramTester.of(TcProgram.of(obj.program("policy_to_pod")));
            String pod = TruthTableModel.ip("x", "a").getHostAddress();

            fromPod.run(tcp(pod, 40000, "203.0.113.1", 443, Packets.TCP_SYN));
            fromPod.run(tcp(pod, 40000, "203.0.113.1", 443, Packets.TCP_ACK));          // idle, established

            long t0 = System.nanoTime();
            for (int i = 0; i < FLOWS; i++) {
                String peer = client(i).replace("10.200.", "198.18.");
                int p = clientPort(i);
                switch (i % 4) {
                    case 0 -> fromPod.run(udp(pod, p, peer, 53));
                    case 1 -> {
                        fromPod.run(tcp(pod, p, peer, 80, Packets.TCP_SYN));
                        toPod.run(tcp(peer, 80, pod, p, Packets.TCP_SYN | Packets.TCP_ACK));
                        fromPod.run(tcp(pod, p, peer, 80, Packets.TCP_FIN | Packets.TCP_ACK));
                    }
                    case 2 -> {
                        fromPod.run(tcp(pod, p, peer, 80, Packets.TCP_SYN));
                        toPod.run(tcp(peer, 80, pod, p, Packets.TCP_RST | Packets.TCP_ACK));
                    }
                    default -> fromPod.run(tcp(pod, p, peer, 80, Packets.TCP_SYN));
                }
            }
            long made = System.nanoTime() - t0;
            ConntrackGc.Sweep first = gc.sweep();
            int held = first.before().get("policy_conntrack");
            System.out.printf("policy: %,d connections made in %d ms; policy_conntrack holds %,d entries; first sweep"
                    + " deleted %,d in %d ms%n", FLOWS, made / 1_000_000, held, first.deleted(), first.took().toMillis());
            assertTrue(held >= FLOWS, "every connection tracked: " + held);

            fromPod.run(udp(pod, 40001, "203.0.113.2", 53));
            byte[] liveReply = udp("203.0.113.2", 53, pod, 40001);                       // its replies keep coming

            sleepKeeping(Duration.ofMillis(2500), () -> assertEquals(TestRun.TCX_NEXT, toPod.run(liveReply).verdict()));
            ConntrackGc.Sweep second = gc.sweep();
            int left = second.after().get("policy_conntrack");
            System.out.printf("policy: after the timeouts one sweep took %d ms for %,d entries: deleted %,d, left %d%n",
                    second.took().toMillis(), second.before().get("policy_conntrack"), second.deleted(), left);
            assertTrue(left <= 4, "only the 2 live connections are left: " + left);
            assertEquals(left, countEntries(ct));
            assertTrue(ct.get(policyKey(pod, 40000, "203.0.113.1", 443, TCP)).isPresent(), "idle established TCP kept");
            assertTrue(ct.get(policyKey(pod, 40001, "203.0.113.2", 53, UDP)).isPresent(), "UDP with replies kept");
            assertTrue(ct.get(policyKey(pod, clientPort(1), "198.18.0.0", 80, TCP)).isEmpty(), "FIN-closed gone");
        }
    }
}
