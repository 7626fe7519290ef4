package dev.ebpf4j.stress;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.programs.AttachStrategy;
import dev.ebpf4j.programs.BpfLink;
import dev.ebpf4j.programs.CgroupSkbProgram;
import dev.ebpf4j.programs.CgroupSockAddrProgram;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.RawTracepointProgram;
import dev.ebpf4j.programs.SkLookupProgram;
import dev.ebpf4j.programs.SkMsgProgram;
import dev.ebpf4j.programs.SkSkbProgram;
import dev.ebpf4j.programs.SockOpsProgram;
import dev.ebpf4j.programs.SocketFilterProgram;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcOptions;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TracepointProgram;
import dev.ebpf4j.programs.UprobeProgram;
import dev.ebpf4j.programs.XdpMode;
import dev.ebpf4j.programs.XdpOptions;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.KernelMounts;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load / attach / detach / close cycles for every link type this host has, each cycle loading the stress object with
 * only the program it attaches. After each type: no program, map, link, fd, pin or namespace more than before (kernel
 * id walks, /proc/self/fd, bpffs), and for TC no filter left on the interface ({@code tc filter show}).
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class LinkLeakIT {
    private static Topology topology;
    private static NetNamespace ns;
    private static TestCgroup cgroup;
    private static KernelListing.Snapshot classStart;

    @BeforeAll
    static void setUp() {
        KernelMounts.bpffs();
        KernelMounts.tracefs();
        Stress.object("stress"); // compile before the first snapshot: the compiler's fds come and go
        warmUpDatagramChannel();
        classStart = KernelListing.snapshot();
        topology = Topology.create("e4jst");
        NetNamespace peer = topology.namespace("p");
        ns = topology.namespace("l");
        topology.veth(peer, "vp", "10.77.0.1/24", ns, "vl", "10.77.0.2/24");
        topology.verifyIsolated();
        cgroup = TestCgroup.create("e4jst");
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            if (cgroup != null) cgroup.close();
        } finally {
            if (topology != null) topology.close();
        }
        assertEquals(List.of(), KernelListing.leaksSince(classStart), "left behind by the whole class, namespaces included");
    }

    /** Attaches; anything else the attachment needs (a socket) goes in {@code extra}, closed after the link. */
    interface Attach {
        Link attach(BpfObject obj, List<AutoCloseable> extra) throws Exception;
    }

    private static Map<String, Attach> hooks() throws Exception {
        Map<String, Attach> h = new LinkedHashMap<>();
        Path libc = libc();
        int pid = (int) ProcessHandle.current().pid();
        h.put("st_xdp:XDP link", (o, x) -> ns.call(() -> XdpProgram.of(o.program("st_xdp"))
                .attach("vl", new XdpOptions(XdpMode.GENERIC, AttachStrategy.LINK, Optional.empty()))));
        h.put("st_xdp:XDP netlink", (o, x) -> ns.call(() -> XdpProgram.of(o.program("st_xdp"))
                .attach("vl", new XdpOptions(XdpMode.GENERIC, AttachStrategy.NETLINK, Optional.empty()))));
        h.put("st_tc:tcx", (o, x) -> ns.call(() -> TcProgram.of(o.program("st_tc"))
                .attach("vl", TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.LINK))));
        h.put("st_tc:TC netlink clsact", (o, x) -> ns.call(() -> TcProgram.of(o.program("st_tc"))
                .attach("vl", TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.NETLINK))));
        h.put("st_socket:socket filter", LinkLeakIT::socketFilter);
        h.put("st_connect4:cgroup sock_addr", (o, x) -> CgroupSockAddrProgram.of(o.program("st_connect4")).attach(cgroup.path()));
        h.put("st_sockops:cgroup sockops", (o, x) -> SockOpsProgram.of(o.program("st_sockops")).attach(cgroup.path()));
        h.put("st_skb:cgroup skb", (o, x) -> CgroupSkbProgram.of(o.program("st_skb")).attach(cgroup.path()));
        h.put("st_msg:sk_msg on sockmap", (o, x) -> SkMsgProgram.of(o.program("st_msg")).attach(o.map("st_socks")));
        h.put("st_verdict:sk_skb on sockmap", (o, x) -> SkSkbProgram.of(o.program("st_verdict"))
                .attach(o.map("st_socks"), SkSkbProgram.Kind.STREAM_VERDICT));
        h.put("st_lookup:sk_lookup", (o, x) -> SkLookupProgram.of(o.program("st_lookup")).attach(ns.path()));
        h.put("st_tp:tracepoint", (o, x) -> TracepointProgram.of(o.program("st_tp")).attach());
        h.put("st_raw_tp:raw_tp", (o, x) -> RawTracepointProgram.of(o.program("st_raw_tp")).attach());
        h.put("st_tp_btf:tp_btf", (o, x) -> RawTracepointProgram.of(o.program("st_tp_btf")).attach());
        h.put("st_uprobe:uprobe", (o, x) -> UprobeProgram.of(o.program("st_uprobe")).attach(libc, "getpid", pid));
        return h;
    }

    @Test
    void everyLinkTypeLeavesNothingBehind() throws Exception {
        List<String> report = new ArrayList<>();
        int total = 0;
        long start = System.nanoTime();
        for (Map.Entry<String, Attach> e : hooks().entrySet()) {
            String program = e.getKey().substring(0, e.getKey().indexOf(':'));
            String kind = e.getKey().substring(e.getKey().indexOf(':') + 1);
            if (!Stress.selected(kind)) continue;
            // Bounded counts keep the class near 30 s here; the slow hooks (uprobe ~160 ms, tracepoint ~80 ms, XDP ~70 ms
            // a cycle on this loaded 2-core host, most of it perf_event/netlink setup in the kernel) get fewer.
            int n = Stress.cycles(switch (kind) {
                case "uprobe" -> 25;
                case "tracepoint", "tp_btf" -> 40;
                case "XDP link", "XDP netlink", "tcx" -> 60;
                default -> 100;
            });
            Attach attach = e.getValue();
            total += MapLeakIT.runCycles(kind, n, i -> {
                List<AutoCloseable> extra = new ArrayList<>();
                try (BpfObject obj = Stress.openOnly(program).load(); Link link = attach.attach(obj, extra)) {
                    if (i == 0) assertTrue(link.info().programId() > 0, kind + " reports the attached program: " + link.info());
                } finally {
                    for (AutoCloseable c : extra) c.close();
                }
            }, report);
            assertEquals("", ns.tc("filter", "show", "dev", "vl", "ingress").trim(), kind + ": tc filters left on vl");
            long qdiscs = ns.tc("qdisc", "show", "dev", "vl").lines().filter(l -> l.contains("clsact")).count();
            assertTrue(qdiscs <= 1, "at most the one clsact qdisc, reused: " + qdiscs);
        }
        report.forEach(System.out::println);
        System.out.printf("links: %d load/attach/detach/close cycles in %.1f s, leaked 0%n", total, (System.nanoTime() - start) / 1e9);
    }

    /** A socket filter link and its socket, closed together so one cycle opens and closes both. */
    private static Link socketFilter(BpfObject obj, List<AutoCloseable> extra) throws Exception {
        // Bound to loopback in the test namespace: the filter needs a bound socket, and nothing is sent.
        DatagramChannel channel = ns.call(() -> DatagramChannel.open(StandardProtocolFamily.INET)
                .bind(new java.net.InetSocketAddress("127.0.0.1", 0)));
        extra.add(channel);
        return SocketFilterProgram.of(obj.program("st_socket")).attach(channel);
    }

    /** The JDK keeps one socket open after the first DatagramChannel of the JVM; make it before the first snapshot. */
    private static void warmUpDatagramChannel() {
        try (DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET)) {
            c.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path libc() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(p -> p.matches(".*/libc[.-].*so.*")).findFirst().map(Path::of).orElseThrow();
    }
}
