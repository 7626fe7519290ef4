package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import dev.ebpf4j.programs.CgroupSockAddrProgram;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.k8s.cli.CliRunner;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.KernelMounts;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.ebpf4j.k8s.observe.DatapathEntries.addService;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LB object's flow events on their own: NodePort reports (BPF_PROG_TEST_RUN), the {@code .rodata} switch, and a
 * full ring counting lost events while connects go on (real sockets from a namespace, socket programs on a test
 * cgroup). {@link ServiceAndPolicyFlowsIT} reads them through an observer and the CLI.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class LbEventsIT {
    static ObserveTopology net;
    static ServerSocket server;
    static String vip, emptyVip;

    @BeforeAll
    static void start() throws Exception {
        net = new ObserveTopology("e4j-obslbev");
        String[] fe = net.frontendIp.split("\\.");
        vip = "10.96." + fe[2] + ".20";
        emptyVip = "10.96." + fe[2] + ".21";
        try {
            server = DatapathEntries.serve(net.backend, net.backendIp);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (net != null) net.close();
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
    void standaloneObserveReadsARingPinnedByAnotherLoader() throws Exception {
        Path pins = KernelMounts.bpffs().resolve("e4j-obs-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));
        Files.createDirectories(pins);
        // As the agent pins them: every map of the LB object under one directory.
        BpfObjectSpec spec = LbObject.open().pinPath(LbObject.EVENTS_MAP, pins.resolve(LbObject.EVENTS_MAP))
                .pinPath(LbObject.EVENTS_LOST_MAP, pins.resolve(LbObject.EVENTS_LOST_MAP));
        LbObject.NODE_PORT_PROGRAMS.forEach(p -> spec.autoload(p, false));
        try (BpfObject agents = spec.load(); TestCgroup cg = TestCgroup.create("e4j-obspin")) {
            List<Link> attached = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread traffic = null;
            try {
                for (String p : LbObject.SOCKET_PROGRAMS) attached.add(CgroupSockAddrProgram.of(agents.program(p)).attach(cg.path()));
                addService(agents, emptyVip, 80, 2, 0, null, 0);
                traffic = Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        try {
                            cg.runInside(() -> net.frontend.call(() -> {
                                try (Socket s = new Socket()) {
                                    s.connect(new InetSocketAddress(emptyVip, 80), 300);
                                } catch (ConnectException refused) {
                                    // expected: no endpoints
                                }
                                return null;
                            }));
                            Thread.sleep(50);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                String out = CliRunner.standalone("observe", "--ring", pins.resolve(LbObject.EVENTS_MAP).toString(),
                        "--type", "drop", "--ip", emptyVip, "--timeout", "3s", "-o", "json");
                assertTrue(out.contains("\"drop_reason\":\"NO_BACKEND\""), out);
                assertTrue(out.lines().allMatch(l -> l.contains("\"destination\":{\"ip\":\"" + emptyVip + "\",\"port\":80}")), out);
            } finally {
                stop.set(true);
                if (traffic != null) traffic.join();
                for (Link l : attached.reversed()) l.close();
            }
        } finally {
            try (var files = Files.list(pins)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(pins);
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
