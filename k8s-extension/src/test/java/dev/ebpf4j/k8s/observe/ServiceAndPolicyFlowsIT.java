package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.k8s.cli.CliRunner;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.PolicyMapLayout;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.Length;
import dev.ebpf4j.maps.codec.NetworkOrder;
import dev.ebpf4j.maps.codec.Unsigned;
import dev.ebpf4j.programs.CgroupSockAddrProgram;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Service LB and the NetworkPolicy program report into the same observer as the TCP tracepoints, and the CLI's
 * JSON shows them: a connect through a VIP is a translated flow (VIP and backend), a connect to a Service without
 * endpoints a drop with reason NO_BACKEND, a SYN the frontend's egress policy denies a drop with reason
 * POLICY_DENIED. Real sockets in namespaces; the LB object's socket programs on a test cgroup, the policy program at
 * the backend's tcx ingress. Maps are written as raw structs (lb_common.h, policy.bpf.c) so that the test does not
 * depend on the control planes.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class ServiceAndPolicyFlowsIT {
    static ObserveTopology net;
    static TestCgroup cgroup;
    static BpfObject lb, policy;
    static KernelPolicyMaps policyMaps;
    static DatapathObserver observer;
    static ServerSocket server;
    static final List<Link> links = new ArrayList<>();
    static ServerSocket server6;
    static String vip, emptyVip, vip6, backend6;

    @BeforeAll
    static void start() throws Exception {
        net = new ObserveTopology("e4j-obslb");
        String[] fe = net.frontendIp.split("\\.");
        vip = "10.96." + fe[2] + ".10";
        emptyVip = "10.96." + fe[2] + ".11";
        vip6 = "fd00:96:" + fe[1] + ":" + fe[2] + "::10";
        backend6 = "fd00:1:" + fe[1] + ":" + fe[2] + "::2";
        try {
            BpfObjectSpec spec = LbObject.open();
            LbObject.NODE_PORT_PROGRAMS.forEach(p -> spec.autoload(p, false));
            lb = spec.load();
            cgroup = TestCgroup.create("e4j-obslb");
            for (String p : LbObject.SOCKET_PROGRAMS) links.add(CgroupSockAddrProgram.of(lb.program(p)).attach(cgroup.path()));
            addService(lb, vip, 80, 1, 1, net.backendIp, 8080);
            addService(lb, emptyVip, 80, 2, 0, null, 0);
            addService(lb, vip6, 80, 5, 1, backend6, 8080);
            net.frontend.ip("-6", "addr", "add", "fd00:1:" + fe[1] + ":" + fe[2] + "::1/64", "dev", "fe0", "nodad");
            net.backend.ip("-6", "addr", "add", backend6 + "/64", "dev", "be0", "nodad");

            policy = BpfObjects.open(BpfObjects.POLICY).load();
            policyMaps = KernelPolicyMaps.of(policy);
            // The frontend may open connections to port 8080 only (egress isolated, one rule for the world identity).
            policyMaps.put(PolicyMapLayout.ENDPOINTS_MAP, mapped(net.frontendIp),
                    le(7, 1000, PolicyMapLayout.FLAG_EGRESS_ISOLATED));
            policyMaps.put(PolicyMapLayout.RULES_MAP, ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                    .putInt(96).putInt(7).putInt(2).put((byte) PolicyMapLayout.DIR_EGRESS).put((byte) 6)
                    .order(ByteOrder.BIG_ENDIAN).putShort((short) 8080).array(), le(1));
            links.add(net.backend.call(() -> TcProgram.of(policy.program("policy_from_pod")).attach("be0", TcDirection.INGRESS)));

            // region add-rings
            observer = DatapathObserver.builder().resolver(net.resolver)
                    .objects(() -> BpfObject.open(ObserveObjects.compile("observe_tcp")),
                            () -> BpfObject.open(ObserveObjects.compile("observe_l7")))
                    .start();
            // One stream: the observer's own rings (TCP, L7), the LB's translations and refusals, the policy verdicts.
            observer.addRing(lb.map(LbObject.EVENTS_MAP), lb.map(LbObject.EVENTS_LOST_MAP));
            observer.addRing(policy.map(KernelPolicyMaps.FLOWS_MAP), policy.map(KernelPolicyMaps.FLOWS_LOST_MAP));
            // endregion
            server = serve(net.backendIp);
            server6 = serve(backend6);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (server6 != null) server6.close();
        if (observer != null) observer.close();
        for (Link l : links.reversed()) l.close();
        links.clear();
        if (policyMaps != null) policyMaps.close();
        if (policy != null) policy.close();
        if (lb != null) lb.close();
        if (cgroup != null) cgroup.close();
        if (net != null) net.close();
    }

    /** A server in the backend namespace that answers every connection with 'k'. */
    static ServerSocket serve(String address) {
        ServerSocket s = net.backend.call(() -> new ServerSocket(8080, 50, InetAddress.getByName(address)));
        Thread.ofPlatform().daemon().start(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    c.getOutputStream().write('k');
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return s;
    }

    /** struct lb_svc_key. */
    record SvcKey(@Length(16) byte[] addr, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 8) int proto,
                  @Unsigned(bits = 8) int family) {}

    /** struct lb_svc. */
    record Svc(int id, int rev, int count, int maglevSize, int affinityTimeout, int flags) {}

    /** struct lb_slot_key. */
    record SlotKey(int svcId, int rev, int index) {}

    /** struct lb_backend. */
    record BackendValue(@Length(16) byte[] addr, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 8) int proto,
                        @Unsigned(bits = 8) int family, @Unsigned(bits = 8) int state, @Length(3) byte[] pad) {}

    /** lb_services, lb_slots, lb_backends entries for vip:port -> backend (count 0: no endpoints). */
    static void addService(BpfObject obj, String vip, int port, int id, int count, String backend, int backendPort)
            throws Exception {
        // Backend and slot before the service entry that names them, as the control plane orders its writes.
        if (count > 0) {
            try (var backends = BpfHashMap.of(obj.map("lb_backends"), Codec.s32(), Codec.of(BackendValue.class));
                 var slots = BpfHashMap.of(obj.map("lb_slots"), Codec.of(SlotKey.class), Codec.s32())) {
                backends.put(id * 100, new BackendValue(addr16(backend), backendPort, 6, family(backend), 0, new byte[3]));
                slots.put(new SlotKey(id, 1, 0), id * 100);
            }
        }
        try (var services = BpfHashMap.of(obj.map("lb_services"), Codec.of(SvcKey.class), Codec.of(Svc.class))) {
            services.put(new SvcKey(addr16(vip), port, 6, family(vip)), new Svc(id, 1, count, 0, 0, 0));
        }
    }

    static byte[] addr16(String ip) throws Exception {
        byte[] raw = InetAddress.getByName(ip).getAddress(), a = new byte[16];
        System.arraycopy(raw, 0, a, 0, raw.length);
        return a;
    }

    static int family(String ip) throws Exception {
        return InetAddress.getByName(ip).getAddress().length == 4 ? 2 : 10;
    }

    static byte[] mapped(String ip) throws Exception {
        byte[] a = new byte[16];
        a[10] = a[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(ip).getAddress(), 0, a, 12, 4);
        return a;
    }

    static byte[] le(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.nativeOrder());
        for (int v : values) b.putInt(v);
        return b.array();
    }

    /** Connects from the frontend namespace with the JVM in the LB's cgroup; rethrows the connect's exception. */
    static void connect(String ip, int port) throws Exception {
        try {
            cgroup.runInside(() -> net.frontend.call(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(ip, port), 300);
                    return s.getInputStream().read();
                }
            }));
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw e;
        }
    }

    /** JSON lines of {@code ebpf4j observe ARGS -o json}, once one matches {@code want} (up to 5 s). */
    static List<String> observe(Predicate<String> want, String... args) throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        List<String> lines = List.of();
        while (System.nanoTime() < until) {
            lines = CliRunner.json(observer, args).lines().toList();
            if (lines.stream().anyMatch(want)) return lines;
            Thread.sleep(20);
        }
        throw new AssertionError("no matching flow in " + lines);
    }

    @Test
    void connectThroughVipIsATranslatedFlowWithVipAndBackend() throws Exception {
        // region translated-flow
        connect(vip, 80);
        String backend = "{\"ip\":\"" + net.backendIp + "\",\"port\":8080,\"pod_name\":\"backend-pod\"";
        String service = "\"service\":{\"vip\":\"" + vip + "\",\"port\":80}";
        List<String> lines = observe(l -> l.contains(service), "observe", "--verdict", "TRANSLATED", "--last", "100");
        String flow = lines.stream().filter(l -> l.contains(service)).findFirst().orElseThrow();
        assertTrue(flow.contains("\"type\":\"trace\""), flow);
        assertTrue(flow.contains("\"destination\":" + backend), flow);
        assertTrue(flow.contains("\"protocol\":\"TCP\""), flow);
        assertTrue(lines.stream().allMatch(l -> l.contains("\"verdict\":\"TRANSLATED\"")), lines.toString());
        // The same connection through the tracepoints: the socket went to the backend, never to the VIP.
        observe(l -> l.contains("\"tcp_event\":\"ESTABLISHED\"") && l.contains("\"destination\":" + backend),
                "observe", "--type", "sock", "--last", "100");
        String compact = CliRunner.run(observer, "observe", "--verdict", "translated", "--last", "100");
        assertTrue(compact.contains(" -> " + vip + ":80 (svc) -> default/backend-pod:8080 TRANSLATED"), compact);
        // endregion
    }

    @Test
    void ipv6ConnectThroughVipIsATranslatedFlow() throws Exception {
        connect(vip6, 80);
        String vipText = Addresses.text(InetAddress.getByName(vip6)), backendText = Addresses.text(InetAddress.getByName(backend6));
        String service = "\"service\":{\"vip\":\"" + vipText + "\",\"port\":80}";
        List<String> lines = observe(l -> l.contains(service), "observe", "--verdict", "TRANSLATED", "--last", "100");
        String flow = lines.stream().filter(l -> l.contains(service)).findFirst().orElseThrow();
        assertTrue(flow.contains("\"destination\":{\"ip\":\"" + backendText + "\",\"port\":8080}"), flow);
    }

    @Test
    void serviceWithoutEndpointsIsANoBackendDrop() throws Exception {
        // region no-backend-flow
        ConnectException refused = assertThrows(ConnectException.class, () -> connect(emptyVip, 80));
        assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
        String dst = "\"destination\":{\"ip\":\"" + emptyVip + "\",\"port\":80}";
        List<String> lines = observe(l -> l.contains(dst), "observe", "--type", "drop", "--last", "100");
        String flow = lines.stream().filter(l -> l.contains(dst)).findFirst().orElseThrow();
        assertTrue(flow.contains("\"verdict\":\"DROPPED\",\"drop_reason\":\"NO_BACKEND\""), flow);
        assertTrue(lines.stream().allMatch(l -> l.contains("\"type\":\"drop\"")), lines.toString());
        // endregion
    }

    @Test
    void policyDeniedSynIsAPolicyDeniedDropInTheSameStream() throws Exception {
        // region policy-drop-flow
        assertThrows(SocketTimeoutException.class, () -> connect(net.backendIp, 9090));
        String dst = "\"destination\":{\"ip\":\"" + net.backendIp + "\",\"port\":9090";
        List<String> lines = observe(l -> l.contains(dst) && l.contains("POLICY_DENIED"),
                "observe", "--verdict", "DROPPED", "--last", "100");
        String flow = lines.stream().filter(l -> l.contains(dst)).findFirst().orElseThrow();
        assertTrue(flow.contains("\"type\":\"drop\""), flow);
        assertTrue(flow.contains("\"source\":{\"ip\":\"" + net.frontendIp + "\""), flow);
        assertTrue(flow.contains("\"pod_name\":\"frontend-pod\""), flow);
        assertTrue(flow.contains("\"tcp_flags\":\"SYN\""), flow);
        assertTrue(flow.contains("\"direction\":\"EGRESS\""), "the frontend's egress policy decided: " + flow);
        // endregion
        int be0 = Integer.parseInt(net.backend.ip("-o", "link", "show", "be0").split(":")[0].trim());
        assertTrue(flow.contains("\"ifindex\":" + be0), flow);
        // The allowed connection to 8080 is a forwarded trace of the same program.
        connect(net.backendIp, 8080);
        observe(l -> l.contains("\"verdict\":\"FORWARDED\"") && l.contains("\"port\":8080,\"pod_name\":\"backend-pod\"")
                && l.contains("\"ifindex\":" + be0), "observe", "--type", "trace", "--last", "100");
        assertEquals(0, observer.stats().lostEvents());
    }

    @Test
    void nodePortReportsNewTranslationsAndRefusalsOnly() throws Exception {
        try (BpfObject np = LbObject.open().load()) {
            addService(np, "0.0.0.0", 30080, 3, 1, "10.1.3.1", 8080); // node port: any node address
            addService(np, "0.0.0.0", 30081, 4, 0, null, 0);
            ProgramTester ingress = ProgramTester.of(TcProgram.of(np.program(LbObject.NODE_PORT_INGRESS)));
            String a = "02:00:00:00:00:01", b = "02:00:00:00:00:02";
            ingress.run(Packets.ethernet(a, b).ipv4("192.0.2.9", "10.0.0.1").tcp(40000, 30080, Packets.TCP_SYN, 1).build());
            ingress.run(Packets.ethernet(a, b).ipv4("192.0.2.9", "10.0.0.1").tcp(40000, 30080, Packets.TCP_ACK, 2).build());
            ingress.run(Packets.ethernet(a, b).ipv4("192.0.2.9", "10.0.0.1").tcp(40001, 30081, Packets.TCP_SYN, 1).build());
            List<Flow> flows = new ArrayList<>();
            FlowDecoder decoder = new FlowDecoder(EndpointResolver.none(), KernelClock.system());
            FlowEventView view = new FlowEventView();
            try (RingBufferReader reader = RingBufferReader.of(RingBuffer.of(np.map(LbObject.EVENTS_MAP)))) {
                reader.drain((source, record) -> flows.add(decoder.decode(view.wrap(record))), 100);
            }
            assertEquals(2, flows.size(), "the established packet reports nothing: " + flows);
            Flow nat = flows.get(0);
            assertEquals(Verdict.TRANSLATED, nat.verdict());
            assertEquals("192.0.2.9:40000", nat.source().display());
            assertEquals("10.1.3.1:8080", nat.destination().display());
            assertEquals(new ServiceTranslation(InetAddress.getByName("10.0.0.1"), 30080), nat.translation());
            assertEquals(TrafficDirection.INGRESS, nat.direction());
            assertEquals("SYN", nat.tcpFlagNames());
            assertTrue(nat.ifindex() > 0, nat.toString());
            Flow refused = flows.get(1);
            assertEquals(FlowType.DROP, refused.type());
            assertEquals(DropReason.NO_BACKEND, refused.dropReason());
            assertEquals("10.0.0.1:30081", refused.destination().display());
        }
    }

    @Test
    void reportingCanBeSwitchedOffBeforeLoad() throws Exception {
        BpfObjectSpec spec = LbObject.open().constant(LbObject.FLOW_EVENTS, false);
        LbObject.NODE_PORT_PROGRAMS.forEach(p -> spec.autoload(p, false));
        try (BpfObject quiet = spec.load(); TestCgroup cg = TestCgroup.create("e4j-obsquiet")) {
            List<Link> attached = new ArrayList<>();
            try {
                for (String p : LbObject.SOCKET_PROGRAMS) attached.add(CgroupSockAddrProgram.of(quiet.program(p)).attach(cg.path()));
                addService(quiet, vip, 80, 1, 1, net.backendIp, 8080);
                addService(quiet, emptyVip, 80, 2, 0, null, 0);
                int read = cg.runInside(() -> net.frontend.call(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(vip, 80), 300);
                        return s.getInputStream().read();
                    }
                }));
                assertEquals('k', read, "translated to the backend");
                boolean refused = cg.runInside(() -> net.frontend.call(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(emptyVip, 80), 300);
                        return false;
                    } catch (ConnectException e) {
                        return true;
                    }
                }));
                assertTrue(refused);
                try (RingBufferReader reader = RingBufferReader.of(RingBuffer.of(quiet.map(LbObject.EVENTS_MAP)))) {
                    assertEquals(0, reader.pending(), "nothing reported");
                }
            } finally {
                for (Link l : attached.reversed()) l.close();
            }
        }
    }

    @Test
    void fullRingCountsLostEventsAndConnectsStillWork() throws Exception {
        BpfObjectSpec spec = LbObject.open().maxEntries(LbObject.EVENTS_MAP, 4096);
        LbObject.NODE_PORT_PROGRAMS.forEach(p -> spec.autoload(p, false));
        try (BpfObject small = spec.load(); TestCgroup cg = TestCgroup.create("e4j-obslost")) {
            List<Link> attached = new ArrayList<>();
            try {
                for (String p : LbObject.SOCKET_PROGRAMS) attached.add(CgroupSockAddrProgram.of(small.program(p)).attach(cg.path()));
                addService(small, emptyVip, 80, 2, 0, null, 0);
                int refused = cg.runInside(() -> net.frontend.call(() -> {
                    int n = 0;
                    for (int i = 0; i < 100; i++) {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(emptyVip, 80), 300);
                        } catch (ConnectException e) {
                            n++;
                        }
                    }
                    return n;
                }));
                assertEquals(100, refused, "every connect refused at once, full ring or not");
                // 4096 bytes hold 36 records of 104 + 8 bytes: the rest were counted, not silently dropped.
                long lost = 0;
                try (var counter = PerCpuArrayMap.of(small.map(LbObject.EVENTS_LOST_MAP), Codec.u64())) {
                    for (long v : counter.get(0).orElseThrow()) lost += v;
                }
                assertEquals(100 - 4096 / 112, lost);
                // An observer reports them as lost events, and reads the 36 that fit.
                try (DatapathObserver own = DatapathObserver.builder().readerThread(false)
                        .objects(() -> BpfObject.open(ObserveObjects.compile("observe_tcp")),
                                () -> BpfObject.open(ObserveObjects.compile("observe_l7")))
                        .start()) {
                    long before = own.stats().lostEvents();
                    own.addRing(small.map(LbObject.EVENTS_MAP), small.map(LbObject.EVENTS_LOST_MAP));
                    assertEquals(before + lost, own.stats().lostEvents());
                    long drops = 0;
                    java.util.Set<Long> pids = new java.util.HashSet<>(), cookies = new java.util.HashSet<>();
                    try (AutoCloseable raw = own.monitor(e -> {
                        if (e.kind() == FlowEventView.KIND_DROP) {
                            pids.add((long) e.pid());
                            cookies.add(e.socketId());
                        }
                    })) {
                        long until = System.nanoTime() + 2_000_000_000L;
                        while (drops < 4096 / 112 && System.nanoTime() < until) {
                            own.poll(java.time.Duration.ofMillis(50));
                            drops = own.history().last(0, FlowFilter.builder().type(List.of("drop")).build()).size();
                        }
                    }
                    assertEquals(4096 / 112, drops);
                    assertEquals(java.util.Set.of(ProcessHandle.current().pid()), pids, "the connecting process");
                    assertEquals(4096 / 112, cookies.size(), "one socket cookie per connect");
                    assertTrue(!cookies.contains(0L));
                }
            } finally {
                for (Link l : attached.reversed()) l.close();
            }
        }
    }
}
