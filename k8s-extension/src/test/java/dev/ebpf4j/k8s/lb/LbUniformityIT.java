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
import dev.ebpf4j.programs.CgroupSockAddrProgram;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Backend choice through the real loaded programs is uniform, and Maglev's is consistent. 100,000 selections per
 * configuration: UDP connect() calls through the cgroup connect4 hook (socket LB, one new socket cookie each) and TCP
 * SYNs through lb_nodeport_ingress under BPF_PROG_TEST_RUN (NodePort, one new 5-tuple each), for random and Maglev
 * selection over 2 to 50 backends. Flow identities are deliberately regular (cookies count up, source ports count up
 * per client), as they are in real traffic. Each configuration's per-backend counts, and its counts of backend pairs
 * of consecutive flows, must pass Pearson's chi-square goodness-of-fit test, two-sided, at alpha 0.001
 * Bonferroni-corrected over all 40 tests, against the shares the datapath should give: equal for random selection;
 * for Maglev, each backend's share of its table entries (read back from the kernel maps), which is within about 1% of
 * equal. The lower tail and the pairs are what catch a hash that keeps the regularity of its input: indexing the
 * table with the raw socket cookie gave counts far too even (chi2 0.4 on 49 df) and pairs far off (chi2 30,844 on
 * 2,499 df).
 *
 * <p>Removing one of N Maglev backends must move that backend's flows and not many more: flows of the other backends
 * keep their backend except where Maglev's table itself gave their entry to another backend, and the test checks that
 * the share of flows that moved is the share of entries that changed owner.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class LbUniformityIT {
    private static final int SELECTIONS = 100_000;
    private static final int[] BACKEND_COUNTS = {2, 3, 7, 16, 50};
    /** Uniformity configurations: 2 paths (socket, NodePort) × 2 selections × the backend counts. */
    private static final int CONFIGURATIONS = 2 * 2 * BACKEND_COUNTS.length;
    /** Alpha 0.001 over all tests (2 per configuration), each two-sided: half of its share to each tail. */
    private static final double ALPHA_PER_TAIL = 0.001 / (2 * CONFIGURATIONS) / 2;
    /** Sockets kept open across a Maglev backend removal (connected again after it): below the fd limit. */
    private static final int RECONNECTED_SOCKETS = 10_000;
    private static final Inet4Address VIP = (Inet4Address) InetAddress.ofLiteral("10.96.0.10");
    private static final String NODE = "172.16.0.1";
    private static final ServiceName WEB = new ServiceName("default", "web");

    private static NetNamespace client;
    private static TestCgroup cgroup;

    @BeforeAll
    static void setUp() {
        client = NetNamespace.create("e4juni");
        try {
            // UDP connect() needs a route to the backend, nothing more: backends 10.1.0.x are on the loopback.
            client.ip("addr", "add", "10.1.0.254/16", "dev", "lo");
            client.verifyNoRouteOut();
            cgroup = TestCgroup.create("e4j-uni");
        } catch (RuntimeException | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterAll
    static void tearDown() {
        if (cgroup != null) cgroup.close();
        if (client != null) client.close();
    }

    private static Service service() {
        return new Service(WEB, ServiceType.NODE_PORT, List.of(VIP),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080),
                        new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(5353), 30053)),
                List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
    }

    /** Backends 10.1.0.1 .. 10.1.0.n, without 10.1.0.skip (0: none skipped). */
    private static ClusterSnapshot snapshot(int n, int skip) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            if (i != skip) eps.add(Endpoint.ready(InetAddress.ofLiteral("10.1.0." + i), "n1"));
        }
        var slice = new EndpointSlice("default", "web-1", WEB, AddressType.IPV4, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("dns", Protocol.UDP, 5353)));
        return ClusterSnapshot.of(List.of(service()), List.of(slice), System.nanoTime());
    }

    /** The loaded LB object with connect4 (only: getpeername then shows the real peer) on the test cgroup. */
    private record Lb(BpfObject obj, KernelLbDatapath datapath, Link connect4, LbController controller,
                      ProgramTester ingress) implements AutoCloseable {
        static Lb load(Selection selection) {
            BpfObject obj = LbObject.open().load();
            KernelLbDatapath datapath = null;
            try {
                datapath = KernelLbDatapath.of(obj);
                Link link = CgroupSockAddrProgram.of(obj.program("lb_connect4")).attach(cgroup.path());
                return new Lb(obj, datapath, link, new LbController(LbConfig.forNode("n1").withSelection(selection), datapath),
                        ProgramTester.of(TcProgram.of(obj.program(LbObject.NODE_PORT_INGRESS))));
            } catch (RuntimeException | Error e) {
                if (datapath != null) datapath.close();
                obj.close();
                throw e;
            }
        }

        @Override
        public void close() {
            connect4.close();
            datapath.close();
            obj.close();
        }
    }

    /** Backend number (1-based last octet of 10.1.0.x) of a socket peer, checked against the backend port. */
    private static int socketBackend(long peer, int n) {
        long address = peer >>> 16;
        int port = (int) (peer & 0xffff);
        assertEquals(5353, port, "socket connected to the backend's target port");
        assertEquals(0x0a010000L, address & 0xffffff00L, "socket connected to a backend, not " + Long.toHexString(address));
        int b = (int) (address & 0xff);
        assertTrue(b >= 1 && b <= n, "backend 10.1.0." + b + " of " + n);
        return b;
    }

    /** The backend (number) each of a run of UDP connects to VIP:53 reached, one new socket each. */
    private static int[] socketChoices(int n) throws Exception {
        return cgroup.runInside(() -> client.call(() -> {
            int[] choices = new int[SELECTIONS];
            try (UdpConnects udp = new UdpConnects(VIP, 53)) {
                for (int i = 0; i < SELECTIONS; i++) choices[i] = socketBackend(udp.connectOnce(), n);
            }
            return choices;
        }));
    }

    /** The i-th NodePort flow of a run: 1,000 clients with 100 consecutive source ports each, from sourcePortBase. */
    private static byte[] syn(int i, int sourcePortBase) {
        int c = i / 100;
        return Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("198.18." + c / 250 + "." + (c % 250 + 1), NODE).tcp(sourcePortBase + i % 100, 30080, Packets.TCP_SYN, 1)
                .build();
    }

    /** Backend number of the NodePort flow's translated packet. */
    private static int nodePortBackend(TestRun run, int n) {
        assertEquals(TestRun.TCX_NEXT, run.verdict(), "translated and handed on");
        byte[] p = run.output();
        assertArrayEquals(new byte[]{10, 1, 0}, Arrays.copyOfRange(p, 30, 33), "destination rewritten to a backend");
        int b = p[33] & 0xff;
        assertTrue(b >= 1 && b <= n, "backend 10.1.0." + b + " of " + n);
        return b;
    }

    private static int[] nodePortChoices(ProgramTester ingress, int n, int sourcePortBase) {
        int[] choices = new int[SELECTIONS];
        for (int i = 0; i < SELECTIONS; i++) choices[i] = nodePortBackend(ingress.run(syn(i, sourcePortBase)), n);
        return choices;
    }

    /** The backend number (10.1.0.x: x) of each entry of the frontend's Maglev table, as the kernel maps hold it. */
    private static int[] maglevOwners(KernelLbDatapath datapath, int port) {
        LbState state = datapath.adopt();
        ServiceEntry entry = state.services().entrySet().stream().filter(e -> e.getKey().port() == port)
                .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new AssertionError("no frontend on port " + port));
        SlotTable table = state.tables().get(entry.id());
        int[] owners = new int[table.maglevSize()];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = state.backends().get(table.maglevEntry(i)).address().getAddress()[3] & 0xff;
        }
        return owners;
    }

    /** The share of each backend 10.1.0.1..n in the frontend's Maglev table. */
    private static double[] maglevShares(KernelLbDatapath datapath, int port, int n) {
        int[] owners = maglevOwners(datapath, port);
        double[] shares = new double[n];
        for (int owner : owners) shares[owner - 1] += 1.0 / owners.length;
        return shares;
    }

    /**
     * Checks the choices of one configuration, two-sided (a fit too good to be chance is as wrong as a bad one: it is
     * what a hash that walks the table in order gives): the count of each backend against its share, and, for the
     * independence of consecutive flows, the count of each (backend of flow 2k, backend of flow 2k+1) pair against
     * the product of the shares.
     */
    private static void assertFits(String config, int[] choices, double[] shares) {
        int n = shares.length;
        long[] counts = new long[n];
        for (int b : choices) counts[b - 1]++;
        long[] pairs = new long[n * n];
        for (int i = 0; i + 1 < choices.length; i += 2) pairs[(choices[i] - 1) * n + choices[i + 1] - 1]++;
        double[] pairShares = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) pairShares[i * n + j] = shares[i] * shares[j];
        }
        long min = Arrays.stream(counts).min().orElseThrow(), max = Arrays.stream(counts).max().orElseThrow();
        System.out.printf("%-22s per backend %d..%d, vs equal shares chi2 %.1f%n", config, min, max, ChiSquare.uniformStatistic(counts));
        assertTwoSided(config + " counts", counts, shares);
        assertTwoSided(config + " pairs", pairs, pairShares);
    }

    private static void assertTwoSided(String what, long[] observed, double[] shares) {
        int df = observed.length - 1;
        double x = ChiSquare.statistic(observed, shares);
        double lo = ChiSquare.lowerCriticalValue(df, ALPHA_PER_TAIL), hi = ChiSquare.criticalValue(df, ALPHA_PER_TAIL);
        System.out.printf("  %-28s chi2 %8.1f on %4d df (accepted %.1f..%.1f), p %.3g%n", what, x, df, lo, hi, ChiSquare.pValue(x, df));
        assertTrue(x >= lo && x <= hi, what + ": chi2 " + x + " on " + df + " df outside " + lo + ".." + hi
                + (x < lo ? " (too even for independent draws)" : " (does not fit the shares)") + "; observed "
                + (observed.length <= 50 ? Arrays.toString(observed) : observed.length + " cells"));
    }

    @ParameterizedTest
    @EnumSource(Selection.class)
    void everyBackendCountGetsItsShareOnBothPaths(Selection selection) throws Exception {
        try (Lb lb = Lb.load(selection)) {
            for (int k = 0; k < BACKEND_COUNTS.length; k++) {
                int n = BACKEND_COUNTS[k];
                lb.controller().sync(snapshot(n, 0));
                double[] equal = new double[n];
                Arrays.fill(equal, 1.0);
                boolean maglev = selection == Selection.MAGLEV;
                assertFits("socket " + selection + " N=" + n, socketChoices(n), maglev ? maglevShares(lb.datapath(), 53, n) : equal);
                // a fresh source port range per backend count, so that no flow meets a conntrack entry of an earlier one
                assertFits("nodeport " + selection + " N=" + n, nodePortChoices(lb.ingress(), n, 1024 + 200 * k),
                        maglev ? maglevShares(lb.datapath(), 30080, n) : equal);
            }
        }
    }

    /** How many of some flows moved, and how many were expected to: the share of their table entries that changed. */
    private record Moved(int moved, int flows, double expected) {
        double fraction() {
            return (double) moved / flows;
        }

        /** The measured fraction is binomial around the expected one: 5 standard deviations, plus rounding. */
        boolean asExpected() {
            return Math.abs(fraction() - expected) <= 5 * Math.sqrt(expected * (1 - expected) / flows) + 1e-3;
        }

        @Override
        public String toString() {
            return String.format("%.4f (%d of %d; table %.4f)", fraction(), moved, flows, expected);
        }
    }

    /**
     * Checks one removal of backend victim of n: no flow chooses it; all flows and the flows of surviving backends
     * move as often as their table entries changed owner (flows are spread evenly over entries, so a flow moves
     * exactly when its entry changed); and that is about 1/N in all and little for the survivors.
     */
    private static void assertMinimal(String config, int[] before, int[] after, int[] ownersBefore, int[] ownersAfter,
                                      int victim, int n) {
        int moved = 0, survivorsMoved = 0, survivorFlows = 0;
        for (int i = 0; i < before.length; i++) {
            assertNotEquals(victim, after[i], config + ": flow " + i + " chose the removed backend");
            if (before[i] != after[i]) moved++;
            if (before[i] != victim) {
                survivorFlows++;
                if (before[i] != after[i]) survivorsMoved++;
            }
        }
        int changed = 0, survivorEntries = 0, survivorsChanged = 0;
        for (int i = 0; i < ownersBefore.length; i++) {
            if (ownersBefore[i] != ownersAfter[i]) changed++;
            if (ownersBefore[i] != victim) {
                survivorEntries++;
                if (ownersBefore[i] != ownersAfter[i]) survivorsChanged++;
            }
        }
        Moved all = new Moved(moved, before.length, (double) changed / ownersBefore.length);
        Moved survivors = new Moved(survivorsMoved, survivorFlows, (double) survivorsChanged / survivorEntries);
        System.out.printf("%-24s moved %s, 1/N = %.4f; of surviving backends' flows moved %s%n", config, all, 1.0 / n, survivors);
        assertTrue(all.asExpected(), config + ": moved " + all);
        assertTrue(survivors.asExpected(), config + ": flows of surviving backends moved " + survivors);
        // The bound is on the table (exact); the sampled flows follow it within asExpected's 5 sigma. Bounding the
        // sample itself failed once in the suite: N=16's table moves 0.0887, a hair under the bound of 0.0925.
        assertTrue(all.expected() <= 1.0 / n + 0.03, config + ": the table moved " + all + " > 1/N + 0.03");
        assertTrue(survivors.expected() <= 0.03, config + ": the table moved " + survivors + " of the survivors' flows");
    }

    @Test
    void maglevRemovingOneOfNBackendsMovesAboutOneNthOfTheFlows() throws Exception {
        for (int k = 0; k < BACKEND_COUNTS.length; k++) {
            int n = BACKEND_COUNTS[k], victim = (n + 1) / 2;
            try (Lb lb = Lb.load(Selection.MAGLEV);
                 LruHashMap<NodePortIT.CtKey, NodePortIT.Ct> ct = LruHashMap.of(lb.obj().map("lb_ct"),
                         Codec.of(NodePortIT.CtKey.class), Codec.of(NodePortIT.Ct.class))) {
                lb.controller().sync(snapshot(n, 0));
                int[] sockets = new int[RECONNECTED_SOCKETS];
                int[] socketBefore = new int[RECONNECTED_SOCKETS], socketAfter = new int[RECONNECTED_SOCKETS];
                int[] before = new int[SELECTIONS], after = new int[SELECTIONS];
                int[] socketTable = maglevOwners(lb.datapath(), 53), nodePortTable = maglevOwners(lb.datapath(), 30080);
                try {
                    cgroup.runInside(() -> client.call(() -> {
                        try (UdpConnects udp = new UdpConnects(VIP, 53)) {
                            int[] fd = new int[1];
                            for (int i = 0; i < sockets.length; i++) {
                                socketBefore[i] = socketBackend(udp.open(fd), n);
                                sockets[i] = fd[0];
                            }
                        }
                        return null;
                    }));
                    for (int i = 0; i < SELECTIONS; i++) before[i] = nodePortBackend(lb.ingress().run(syn(i, 1024)), n);
                    lb.controller().sync(snapshot(n, victim));
                    ct.removeAll(new ArrayList<>(ct.getAll().keySet())); // forget the flows: measure where new ones land
                    cgroup.runInside(() -> client.call(() -> {
                        try (UdpConnects udp = new UdpConnects(VIP, 53)) {
                            for (int i = 0; i < sockets.length; i++) socketAfter[i] = socketBackend(udp.reconnect(sockets[i]), n);
                        }
                        return null;
                    }));
                    for (int i = 0; i < SELECTIONS; i++) after[i] = nodePortBackend(lb.ingress().run(syn(i, 1024)), n);
                } finally {
                    try (UdpConnects udp = new UdpConnects(VIP, 53)) {
                        for (int fd : sockets) if (fd > 0) udp.close(fd);
                    }
                }
                assertMinimal("socket reconnect N=" + n, socketBefore, socketAfter, socketTable, maglevOwners(lb.datapath(), 53),
                        victim, n);
                assertMinimal("nodeport N=" + n, before, after, nodePortTable, maglevOwners(lb.datapath(), 30080), victim, n);
            }
        }
    }
}
