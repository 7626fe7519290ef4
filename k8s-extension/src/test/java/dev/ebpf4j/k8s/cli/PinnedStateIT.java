package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.core.BpfPins;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LoadBalancer;
import dev.ebpf4j.k8s.lb.Selection;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointConditions;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.programs.AttachStrategy;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcOptions;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent-state views read real pinned maps: the LB object's maps written through the public controller, the policy
 * object's written through {@link KernelPolicyMaps}, pinned in a bpffs directory laid out like the agent's
 * ({@code lb-v1/maps}, {@code policy-v1/maps}).
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PinnedStateIT {
    @TempDir
    Path temp;
    Path pins;

    @BeforeEach
    void pinDir() throws Exception {
        pins = Files.createDirectories(Path.of("/sys/fs/bpf", "e4j-cli-" + Integer.toHexString(ThreadLocalRandom.current().nextInt())));
    }

    @AfterEach
    void removePins() throws Exception {
        try (Stream<Path> s = Files.walk(pins)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private void pinAll(BpfObject obj, String layout, List<String> maps) throws Throwable {
        Path dir = Files.createDirectories(pins.resolve(layout).resolve("maps"));
        for (String m : maps) BpfPins.pin(obj.map(m), dir.resolve(m));
    }

    @Test
    void serviceListShowsFrontendsBackendsRevisionAndMaglev() throws Throwable {
        try (LoadBalancer lb = LoadBalancer.load(new LbConfig("n1", Selection.MAGLEV, false))) {
            ServiceName web = new ServiceName("default", "web");
            List<Endpoint> eps = new ArrayList<>();
            for (int i = 1; i <= 3; i++) eps.add(Endpoint.ready(InetAddress.ofLiteral("10.1.0." + i), "n1"));
            eps.add(Endpoint.ready(InetAddress.ofLiteral("10.1.0.9"), "n1").withConditions(EndpointConditions.TERMINATING));
            Service svc = Service.clusterIp(web, InetAddress.ofLiteral("10.96.0.10"), List.of(ServicePort.of("http", Protocol.TCP, 80)));
            EndpointSlice slice = new EndpointSlice("default", "web-1", web, AddressType.IPV4, eps,
                    List.of(new EndpointPort("http", Protocol.TCP, 8080)));
            lb.controller().sync(ClusterSnapshot.of(List.of(svc), List.of(slice), 1));
            lb.controller().sync(ClusterSnapshot.of(List.of(svc), List.of(slice), 2));
            pinAll(lb.object(), "lb-v1", List.of("lb_services", "lb_slots", "lb_maglev", "lb_backends"));

            CliRun r = CliRun.run("service", "list", "--pin-dir", pins.toString(), "-o", "json");
            assertEquals(0, r.exit(), r.err());
            var applied = lb.controller().applied();
            var entry = applied.services().values().iterator().next();
            String backends = String.join(",", java.util.stream.IntStream.range(0, 3).mapToObj(i ->
                    "\\{\"id\":\\d+,\"address\":\"10\\.1\\.0\\." + (i + 1) + ":8080/TCP\",\"state\":\"active\"}").toList());
            assertTrue(r.out().matches("\\{\"id\":" + entry.id() + ",\"frontend\":\"10\\.96\\.0\\.10:80/TCP\",\"type\":\"ClusterIP\","
                    + "\"revision\":" + entry.revision() + ",\"maglev_size\":" + entry.maglevSize() + ",\"affinity_timeout\":0,"
                    + "\"flags\":\\[\"Maglev\"],\"backends\":\\[" + backends + "]}\n"), r.out());
            assertTrue(entry.maglevSize() > 3, "Maglev table size " + entry.maglevSize());

            CliRun all = CliRun.run("service", "backends", "--pin-dir", pins.toString(), "-o", "json");
            assertTrue(all.out().matches("(?s).*\\{\"id\":\\d+,\"address\":\"10\\.1\\.0\\.9:8080/TCP\",\"state\":\"terminating\",\"services\":\\[]}\n.*"), all.out());
            assertEquals(4, all.out().lines().count(), all.out());

            CliRun table = CliRun.run("service", "list", "--pin-dir", pins.toString());
            assertTrue(table.out().contains("10.96.0.10:80/TCP  ClusterIP  " + entry.revision()), table.out());
            assertTrue(table.out().contains("3 => 10.1.0.3:8080/TCP (active)"), table.out());
        }
    }

    @Test
    void endpointListAndPolicyGetDecodeThePolicyMaps() throws Throwable {
        Path object = BpfBuilder.create().compile(Path.of("../bpf-src/src/main/bpf/policy.bpf.c"), temp.resolve("p.bpf.o")).object();
        try (BpfObject obj = BpfObject.open(object).load();
             KernelPolicyMaps maps = KernelPolicyMaps.of(obj);
             NetNamespace ns = NetNamespace.create("e4j-cli-pol")) {
            DocumentedPolicyEntries.putInto(maps);
            pinAll(obj, "policy-v1", List.of("policy_endpoints", "policy_ipcache", "policy_rules", "policy_config", "policy_counters",
                    "policy_conntrack"));
            ns.ip("link", "add", "pv0", "type", "veth", "peer", "name", "pv1");
            ns.ip("link", "set", "pv0", "up");
            ns.ip("link", "set", "pv1", "up");
            ns.ip("route", "add", "10.0.0.2/32", "dev", "pv0");
            int ifindex = Integer.parseInt(ns.ip("-o", "link", "show", "pv0").split(":")[0].trim());

            // in the namespace, so the host route of the pod address names its interface
            CliRun r = ns.call(() -> CliRun.run("endpoint", "list", "--pin-dir", pins.toString(), "-o", "json"));
            assertEquals(0, r.exit(), r.err());
            String expected = """
                    {"id":7,"address":"10.0.0.2","identity":256,"ingress_enforced":true,"egress_enforced":false,"interface":"pv0(%d)","datapath":"%s"}
                    {"id":8,"address":"fd00::2","identity":300,"ingress_enforced":false,"egress_enforced":true,"interface":"-","datapath":"-"}
                    """;
            assertEquals(expected.formatted(ifindex, "detached"), r.out());
            TcProgram fromPod = TcProgram.of(obj.program("policy_from_pod")), toPod = TcProgram.of(obj.program("policy_to_pod"));
            try (Link in = ns.call(() -> fromPod.attach("pv0", TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.LINK)))) {
                CliRun half = ns.call(() -> CliRun.run("endpoint", "list", "--pin-dir", pins.toString(), "-o", "json"));
                assertEquals(expected.formatted(ifindex, "partial"), half.out());
                try (Link out = ns.call(() -> toPod.attach("pv0", TcDirection.EGRESS, TcOptions.defaults().strategy(AttachStrategy.LINK)))) {
                    CliRun both = ns.call(() -> CliRun.run("endpoint", "list", "--pin-dir", pins.toString(), "-o", "json"));
                    assertEquals(expected.formatted(ifindex, "attached"), both.out());
                }
            }

            CliRun p = CliRun.run("policy", "get", "--pin-dir", pins.toString(), "-o", "json");
            assertEquals(0, p.exit(), p.err());
            assertEquals("""
                    {"endpoint":7,"direction":"ingress","peer":"257","protocol":"TCP","ports":"8080","rule":0}
                    {"endpoint":7,"direction":"ingress","peer":"258","protocol":"TCP","ports":"8000-8255","rule":3}
                    {"endpoint":7,"direction":"ingress","peer":"world","protocol":"any","ports":"any","rule":2}
                    {"endpoint":8,"direction":"egress","peer":"any","protocol":"UDP","ports":"any","rule":1}
                    """, p.out());
            CliRun text = CliRun.run("policy", "get", "--pin-dir", pins.toString(), "-e", "8");
            assertEquals("""
                    Revision: 5   Drops: policy_egress=0, policy_ingress=0
                    ENDPOINT  DIRECTION  PEER IDENTITY  PROTOCOL  PORTS  RULE
                    8         egress     any            UDP       any    1
                    """, text.out());
            // One connection of pod 10.0.0.2 (egress not enforced: tracked, allowed) past its handshake.
            dev.ebpf4j.programs.ProgramTester.of(fromPod).run(dev.ebpf4j.programs.packet.Packets.ethernet("02:00:00:00:00:01",
                    "02:00:00:00:00:02").ipv4("10.0.0.2", "192.0.2.1").tcp(40000, 80, dev.ebpf4j.programs.packet.Packets.TCP_ACK, 1).build());
            CliRun status = CliRun.run("status", "--pin-dir", pins.toString(), "-o", "json");
            assertTrue(status.out().contains("\"policy\":{\"endpoints\":2,\"entries\":4,\"revision\":5,\"drops\":{\"policy_egress\":0,\"policy_ingress\":0}}"), status.out());
            assertTrue(status.out().contains("\"load_balancer\":{\"error\":\"no load-balancer maps pinned under " + pins + "/lb-v1/maps"), status.out());
            assertTrue(status.out().contains("\"conntrack\":{\"policy_conntrack\":{\"entries\":1,\"tcp_syn\":0,"
                    + "\"tcp_established\":1,\"tcp_closing\":0,\"other\":0}}"), status.out());
        }
    }

    @Test
    void withoutPinsTheViewsSaySoAndFail() {
        CliRun svc = CliRun.run("service", "list", "--pin-dir", pins.toString());
        assertEquals(1, svc.exit());
        assertEquals("error: no load-balancer maps pinned under " + pins + "/lb-v1/maps (lb_services is missing): is the agent"
                + " running with this --pin-dir?\n", svc.err());
        for (String[] args : List.of(new String[] {"endpoint", "list"}, new String[] {"policy", "get"})) {
            CliRun r = CliRun.run(args[0], args[1], "--pin-dir", pins.toString());
            assertEquals(1, r.exit());
            assertTrue(r.err().startsWith("error: no policy maps pinned under " + pins + "/policy-v1/maps (policy_"), r.err());
            assertTrue(r.err().contains("is the agent running with policy enabled"), r.err());
        }
    }
}
