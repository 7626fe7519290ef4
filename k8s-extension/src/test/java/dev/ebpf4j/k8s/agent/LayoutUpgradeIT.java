package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.lb.Selection;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.maps.LruHashMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Upgrades across map layout versions, against a test-only layout 2 of the LB object (lb_sock_rev's value grows from
 * 20 to 24 bytes, src/test/bpf/lb_datapath_v2.bpf.c): a converter 1 -> 2 migrates the pinned state while an
 * established TCP connection keeps exchanging data and a UDP flow's reverse translation survives; pins without a
 * converter path fail naming the difference, and a failure after the links were switched rolls them back — in both
 * cases layout 1 keeps serving.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class LayoutUpgradeIT {
    static final ServiceName WEB = new ServiceName("default", "web");
    static final LbConfig CONFIG = new LbConfig("n1", Selection.RANDOM, false);
    private static final InetSocketAddress DNS = new InetSocketAddress(AgentTestbed.VIP, 53);
    private static final int REV_KEY = 32, REV_V1 = 20, REV_V2 = 24;
    private static byte[] v2Object;

    @BeforeAll
    static void compileLayout2() throws Exception {
        Path dir = Files.createTempDirectory("e4j-lbv2");
        Path out = dir.resolve("lb_datapath_v2.bpf.o");
        try {
            BpfBuilder.create().includeDirectory(Path.of("../bpf-src/src/main/bpf"))
                    .compile(Path.of("src/test/bpf/lb_datapath_v2.bpf.c"), out);
            v2Object = Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
            Files.delete(dir);
        }
    }

    /** The layout 2 datapath with {@code migrations}. */
    static DatapathRelease layout2(LayoutMigration migrations) {
        return new DatapathRelease(2, () -> BpfObject.open(v2Object, LbObject.NAME), migrations);
    }

    /** Layout 1 -> 2: lb_sock_rev keeps its 20 bytes and gets generation 1 ("converted"); counts conversions. */
    static LayoutMigration converting(AtomicInteger conversions, int failAfter) {
        return LayoutMigration.builder().step(1, MapConverter.ofValue("lb_sock_rev", REV_KEY, REV_V1, REV_V2, (o, n) -> {
            if (conversions.incrementAndGet() > failAfter) throw new IllegalStateException("conversion failure injected by the test");
            MemorySegment.copy(o, 0, n, 0, REV_V1);
            n.set(ValueLayout.JAVA_INT_UNALIGNED, REV_V1, 1);
        })).build();
    }

    @Test
    void layoutChangeIsMigratedWithoutDroppingConnections() throws Exception {
        try (AgentTestbed bed = new AgentTestbed("e4jup", 2)) {
            bed.echoServers(9090);
            bed.udpServers(5353);
            try (Agent v1 = Agent.start(bed.pinDir, CONFIG, bed.cgroup.path())) {
                v1.controller().sync(snapshot());
            }
            List<KernelObjects.LinkEntry> linksV1 = KernelObjects.cgroupLinks(bed.cgroup.path());
            bed.cgroup.runInside(() -> bed.client.call(() -> {
                try (Socket tcp = new Socket(); DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    tcp.connect(new InetSocketAddress(AgentTestbed.VIP, 90), 2000);
                    tcp.setSoTimeout(2000);
                    udp.bind(new InetSocketAddress(0));
                    DatagramSocket udpSocket = udp.socket();
                    udpSocket.setSoTimeout(3000);
                    // A UDP request whose answer comes only after the upgrade: it needs the v1 reverse entry, converted.
                    send(udpSocket, "hold");
                    waitFor(() -> bed.heldSender().isPresent(), "the held datagram reaches a backend");
                    Exchange exchange = Exchange.start(tcp);
                    Thread.sleep(300);

                    AtomicInteger conversions = new AtomicInteger();
                    long okBefore = exchange.ok.get();
                    long t0 = System.nanoTime();
                    try (Agent v2 = Agent.start(bed.pinDir, CONFIG, bed.cgroup.path(), Map.of(), layout2(converting(conversions, Integer.MAX_VALUE)))) {
                        long startMicros = (System.nanoTime() - t0) / 1000;
                        long okDuring = exchange.ok.get() - okBefore;
                        Agent.StartReport r = v2.report();
                        Thread.sleep(300);

                        bed.answerHeld("late");
                        DatagramPacket late = receive(udpSocket);
                        assertEquals(DNS, late.getSocketAddress(), "the late reply comes from the VIP: the v1 reverse entry was converted");
                        Map<Integer, Integer> generations = revGenerations(bed.pinDir.resolve("lb-v2/maps/lb_sock_rev"));
                        assertTrue(generations.getOrDefault(1, 0) >= 1, "converted entries carry generation 1: " + generations);

                        send(udpSocket, "ping");
                        DatagramPacket pong = receive(udpSocket);
                        assertEquals(DNS, pong.getSocketAddress(), "a new exchange is reverse-translated by the layout 2 programs");
                        assertTrue(text(pong).matches("b[12]:ping"), text(pong));
                        assertTrue(revGenerations(bed.pinDir.resolve("lb-v2/maps/lb_sock_rev")).getOrDefault(2, 0) >= 1,
                                "the layout 2 programs write generation 2");

                        Set<String> seen = new HashSet<>();
                        for (int i = 0; i < 40; i++) seen.add(AgentTestbed.request(80));
                        assertEquals(Set.of("b1", "b2"), seen, "new connections are balanced over both backends");

                        List<KernelObjects.LinkEntry> linksV2 = KernelObjects.cgroupLinks(bed.cgroup.path());
                        assertEquals(8, linksV2.size(), "no duplicate links: " + linksV2);
                        assertEquals(ids(linksV1, true), ids(linksV2, true), "the same links, updated in place");
                        assertTrue(ids(linksV1, false).stream().noneMatch(ids(linksV2, false)::contains), "every link runs a layout 2 program");
                        assertFalse(Files.exists(bed.pinDir.resolve("lb-v1")), "layout 1 pins removed");
                        assertFalse(Files.exists(bed.pinDir.resolve("lb-v2-staging")));
                        assertEquals(REV_V2, KernelObjects.pinnedMap(bed.pinDir.resolve("lb-v2/maps/lb_sock_rev")).valueSize());
                        try (var s = Files.list(bed.pinDir.resolve("lb-v2/links"))) {
                            assertEquals(8, s.count());
                        }
                        assertEquals(3, r.adoptedServices(), "the three Service ports come over: " + r);
                        assertEquals(8, r.adoptedLinks(), r.toString());
                        System.out.printf("layout 1 -> 2: %s; start incl. migration %d us; %d lb_sock_rev conversions (over"
                                + " the 2 copy passes); TCP round trips on the established connection: %d before, %d during"
                                + " the start, %d after%n", r, startMicros, conversions.get(), okBefore, okDuring,
                                exchange.ok.get() - okBefore - okDuring);
                    }
                    exchange.stop();
                    assertNull(exchange.failure.get(), "the established connection kept working");
                    assertTrue(exchange.ok.get() > 20, "round trips: " + exchange.ok.get());
                    System.out.println("established TCP connection: " + exchange.ok.get() + " round trips, 0 failures");
                }
                return null;
            }));
        }
    }

    static ClusterSnapshot snapshot() {
        List<Endpoint> endpoints = List.of(Endpoint.ready(InetAddress.ofLiteral(AgentTestbed.backendIp(1)), "n1"),
                Endpoint.ready(InetAddress.ofLiteral(AgentTestbed.backendIp(2)), "n1"));
        Service svc = Service.clusterIp(WEB, AgentTestbed.VIP, List.of(ServicePort.of("http", Protocol.TCP, 80),
                ServicePort.of("echo", Protocol.TCP, 90), ServicePort.of("dns", Protocol.UDP, 53)));
        EndpointSlice slice = new EndpointSlice("default", "web-1", WEB, AddressType.IPV4, endpoints,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("echo", Protocol.TCP, 9090),
                        new EndpointPort("dns", Protocol.UDP, 5353)));
        return ClusterSnapshot.of(List.of(svc), List.of(slice), 1);
    }

    /** Link ids ({@code links} true) or their program ids. */
    static Set<Integer> ids(List<KernelObjects.LinkEntry> entries, boolean links) {
        Set<Integer> out = new HashSet<>();
        for (KernelObjects.LinkEntry e : entries) out.add(links ? e.id() : e.programId());
        return out;
    }

    /** Counts lb_sock_rev entries by their layout 2 generation field. */
    static Map<Integer, Integer> revGenerations(Path pin) {
        Map<Integer, Integer> out = new java.util.TreeMap<>();
        try (var rev = LruHashMap.openPinned(pin, Codec.bytes(REV_KEY), Codec.bytes(REV_V2))) {
            for (var e : rev.entries()) {
                int gen = ByteBuffer.wrap(e.getValue()).order(ByteOrder.nativeOrder()).getInt(REV_V1);
                out.merge(gen, 1, Integer::sum);
            }
        }
        return out;
    }

    /** The entries of a layout 1 lb_sock_rev. */
    static int revEntries(Path pin) {
        int n = 0;
        try (var rev = LruHashMap.openPinned(pin, Codec.bytes(REV_KEY), Codec.bytes(REV_V1))) {
            for (var ignored : rev.keys()) n++;
        }
        return n;
    }

    static void send(DatagramSocket s, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, DNS));
    }

    static DatagramPacket receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[512], 512);
        s.receive(p);
        return p;
    }

    static String text(DatagramPacket p) {
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) Thread.sleep(10);
        assertTrue(condition.getAsBoolean(), what);
    }

    /** Lines exchanged on an established connection every 2 ms until stopped; any failure is kept. */
    static final class Exchange {
        final AtomicLong ok = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private Thread thread;

        static Exchange start(Socket socket) throws Exception {
            Exchange x = new Exchange();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            var out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII);
            x.thread = Thread.ofPlatform().daemon().name("exchange").start(() -> {
                try {
                    for (long i = 0; !x.stop.get(); i++) {
                        out.println("n" + i);
                        String back = in.readLine();
                        if (!("n" + i).equals(back)) throw new AssertionError("sent n" + i + ", got " + back);
                        x.ok.incrementAndGet();
                        Thread.sleep(2);
                    }
                } catch (Throwable t) {
                    x.failure.set(t);
                }
            });
            return x;
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(5000);
        }
    }
}
