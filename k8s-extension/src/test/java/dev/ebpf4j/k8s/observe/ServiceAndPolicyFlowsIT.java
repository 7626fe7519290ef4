package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.k8s.cli.CliRunner;
import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.policy.PolicyMapLayout;
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

import static dev.ebpf4j.k8s.observe.DatapathEntries.addService;
import static dev.ebpf4j.k8s.observe.DatapathEntries.le;
import static dev.ebpf4j.k8s.observe.DatapathEntries.mapped;
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
            server = DatapathEntries.serve(net.backend, net.backendIp);
            server6 = DatapathEntries.serve(net.backend, backend6);
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
}
