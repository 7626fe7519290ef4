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
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Load / attach / detach / close cycles for every link type this host has, each cycle loading the stress object with
 * only the program it attaches. After each type: no program, map, link, fd, pin or namespace more than before (kernel
 * id walks, /proc/self/fd, bpffs), and for TC no filter left on the interfaces ({@code tc filter show}).
 *
 * <p>Most of a slow cycle is the kernel waiting for RCU grace periods on detach (XDP and tcx: {@code synchronize_rcu}
 * under RTNL; tracepoint and uprobe perf events: {@code tracepoint_synchronize_unregister}), not CPU. So the cycles of
 * one type can run on {@code -Dstress.workers=N} threads at once (each worker its own veth for XDP/TC, every cycle still a
 * whole load / attach / detach / close), and {@code -Dstress.rcu.expedited=true} sets {@code /sys/kernel/rcu_expedited}
 * for the class (restored after), which turns those grace-period waits into expedited ones. With workers the tracing
 * kinds also run in a second lane beside the others; each kind's check then counts its own programs and links (the
 * only objects that tell the lanes apart), and maps, fds, pins and namespaces are compared for both lanes together
 * once they have finished. Every check runs after all workers of what it covers have finished, and the class-level
 * check compares everything with the state before the first cycle.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class LinkLeakIT {
    private static Topology topology;
    private static NetNamespace ns;
    private static TestCgroup cgroup;
    private static KernelListing.Snapshot classStart;
    private static int workers;
    private static String rcuExpeditedBefore;

    @BeforeAll
    static void setUp() throws Exception {
        KernelMounts.bpffs();
        KernelMounts.tracefs();
        Stress.object("stress"); // compile before the first snapshot: the compiler's fds come and go
        warmUpDatagramChannel();
        classStart = KernelListing.snapshot();
        workers = Stress.workers();
        rcuExpeditedBefore = Stress.expediteRcu();
        topology = Topology.create("e4jst");
        NetNamespace peer = topology.namespace("p");
        ns = topology.namespace("l");
        for (int w = 0; w < workers; w++) topology.veth(peer, "vp" + w, "10.77." + w + ".1/24", ns, "vl" + w, "10.77." + w + ".2/24");
        topology.verifyIsolated();
        cgroup = TestCgroup.create("e4jst");
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            Stress.restoreRcu(rcuExpeditedBefore);
        } finally {
            try {
                if (cgroup != null) cgroup.close();
            } finally {
                if (topology != null) topology.close();
            }
        }
        assertEquals(List.of(), KernelListing.leaksSince(classStart), "left behind by the whole class, namespaces included");
    }

    /**
     * Attaches on behalf of worker {@code w} (XDP and TC use the worker's own interface {@code vl<w>}); anything else the
     * attachment needs (a socket) goes in {@code extra}, closed after the link.
     */
    interface Attach {
        Link attach(BpfObject obj, int w, List<AutoCloseable> extra) throws Exception;
    }

    private static Map<String, Attach> hooks() throws Exception {
        Map<String, Attach> h = new LinkedHashMap<>();
        Path libc = libc();
        int pid = (int) ProcessHandle.current().pid();
        h.put("st_xdp:XDP link", (o, w, x) -> ns.call(() -> XdpProgram.of(o.program("st_xdp"))
                .attach("vl" + w, new XdpOptions(XdpMode.GENERIC, AttachStrategy.LINK, Optional.empty()))));
        h.put("st_xdp:XDP netlink", (o, w, x) -> ns.call(() -> XdpProgram.of(o.program("st_xdp"))
                .attach("vl" + w, new XdpOptions(XdpMode.GENERIC, AttachStrategy.NETLINK, Optional.empty()))));
        h.put("st_tc:tcx", (o, w, x) -> ns.call(() -> TcProgram.of(o.program("st_tc"))
                .attach("vl" + w, TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.LINK))));
        h.put("st_tc:TC netlink clsact", (o, w, x) -> ns.call(() -> TcProgram.of(o.program("st_tc"))
                .attach("vl" + w, TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.NETLINK))));
        h.put("st_socket:socket filter", (o, w, x) -> socketFilter(o, x));
        h.put("st_connect4:cgroup sock_addr", (o, w, x) -> CgroupSockAddrProgram.of(o.program("st_connect4")).attach(cgroup.path()));
        h.put("st_sockops:cgroup sockops", (o, w, x) -> SockOpsProgram.of(o.program("st_sockops")).attach(cgroup.path()));
        h.put("st_skb:cgroup skb", (o, w, x) -> CgroupSkbProgram.of(o.program("st_skb")).attach(cgroup.path()));
        h.put("st_msg:sk_msg on sockmap", (o, w, x) -> SkMsgProgram.of(o.program("st_msg")).attach(o.map("st_socks")));
        h.put("st_verdict:sk_skb on sockmap", (o, w, x) -> SkSkbProgram.of(o.program("st_verdict"))
                .attach(o.map("st_socks"), SkSkbProgram.Kind.STREAM_VERDICT));
        h.put("st_lookup:sk_lookup", (o, w, x) -> SkLookupProgram.of(o.program("st_lookup")).attach(ns.path()));
        h.put("st_tp:tracepoint", (o, w, x) -> TracepointProgram.of(o.program("st_tp")).attach());
        h.put("st_raw_tp:raw_tp", (o, w, x) -> RawTracepointProgram.of(o.program("st_raw_tp")).attach());
        h.put("st_tp_btf:tp_btf", (o, w, x) -> RawTracepointProgram.of(o.program("st_tp_btf")).attach());
        h.put("st_uprobe:uprobe", (o, w, x) -> UprobeProgram.of(o.program("st_uprobe")).attach(libc, "getpid", pid));
        return h;
    }

    /** Kinds whose cycles wait on the kernel (RCU grace periods on detach) more than on the CPU: these get the workers. */
    private static final Set<String> WAITING = Set.of("XDP link", "XDP netlink", "tcx", "TC netlink clsact", "tracepoint", "uprobe");
    /**
     * The tracing kinds: with workers they run beside the others, in a second lane. The perf-event ones mostly wait
     * (their detach is serialized on the kernel's event_mutex), which leaves CPU for the rest; raw_tp and tp_btf go with
     * them to even out the lanes.
     */
    private static final Set<String> PERF_LANE = Set.of("tracepoint", "uprobe", "raw_tp", "tp_btf");

    @Test
    void everyLinkTypeLeavesNothingBehind() throws Exception {
        List<String> report = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        Map<String, Attach> hooks = hooks();
        List<String> main = new ArrayList<>(), tracing = new ArrayList<>();
        for (String key : hooks.keySet()) {
            String kind = key.substring(key.indexOf(':') + 1);
            if (Stress.selected(kind)) (workers > 1 && PERF_LANE.contains(kind) ? tracing : main).add(key);
        }
        int total;
        if (tracing.isEmpty()) {
            total = runKinds(main, hooks, false, report);
        } else {
            // Two lanes at once: per kind, only its own programs and links can be told apart from the other lane's, so
            // the per-kind check counts those; maps, fds, pins and namespaces are checked for both lanes together after.
            KernelListing.Snapshot before = KernelListing.snapshot();
            var tracingLane = new java.util.concurrent.FutureTask<>(() -> runKinds(tracing, hooks, true, report));
            Thread.ofPlatform().name("stress-tracing-lane").start(tracingLane);
            int mainCycles;
            try {
                mainCycles = runKinds(main, hooks, true, report);
            } finally {
                try {
                    tracingLane.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Exception ex) throw ex;
                    throw (Error) e.getCause();
                }
            }
            total = mainCycles + tracingLane.get();
            report.forEach(System.out::println);
            report.clear();
            assertEquals(List.of(), KernelListing.leaksSince(before), "left behind by the two lanes together");
            report.add("both lanes: programs, maps, links, fds, pins, namespaces  leaked 0");
        }
        report.forEach(System.out::println);
        System.out.printf("links: %d load/attach/detach/close cycles, %d worker(s) for %s%s, in %.1f s, leaked 0%n", total, workers,
                WAITING, rcuExpeditedBefore != null ? ", rcu_expedited" : "", (System.nanoTime() - start) / 1e9);
    }

    /** Runs the cycles of each kind in {@code keys}; {@code scoped}: count only the kind's own programs and links. */
    private static int runKinds(List<String> keys, Map<String, Attach> hooks, boolean scoped, List<String> report) throws Exception {
        int total = 0;
        for (String key : keys) {
            String program = key.substring(0, key.indexOf(':'));
            String kind = key.substring(key.indexOf(':') + 1);
            // Bounded counts keep the class near 30 s here; the slow hooks (one worker: uprobe ~135 ms, tracepoint ~80 ms,
            // XDP and tcx ~34 ms a cycle on this 2-core host, nearly all of it RCU grace periods on detach) get fewer.
            int n = Stress.cycles(switch (kind) {
                case "uprobe" -> 25;
                case "tracepoint", "tp_btf" -> 40;
                case "XDP link", "XDP netlink", "tcx" -> 60;
                default -> 100;
            });
            Attach attach = hooks.get(key);
            int threads = WAITING.contains(kind) ? workers : 1;
            total += MapLeakIT.runCycles(kind, n, threads, scoped ? program : null, (w, i) -> {
                List<AutoCloseable> extra = new ArrayList<>();
                try (BpfObject obj = Stress.openOnly(program).load(); Link link = attach.attach(obj, w, extra)) {
                    if (i == 0) assertTrue(link.info().programId() > 0, kind + " reports the attached program: " + link.info());
                } finally {
                    for (AutoCloseable c : extra) c.close();
                }
            }, report);
            for (int w = 0; w < workers; w++) {
                assertEquals("", ns.tc("filter", "show", "dev", "vl" + w, "ingress").trim(), kind + ": tc filters left on vl" + w);
                long qdiscs = ns.tc("qdisc", "show", "dev", "vl" + w).lines().filter(l -> l.contains("clsact")).count();
                assertTrue(qdiscs <= 1, "at most the one clsact qdisc on vl" + w + ", reused: " + qdiscs);
            }
        }
        return total;
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
