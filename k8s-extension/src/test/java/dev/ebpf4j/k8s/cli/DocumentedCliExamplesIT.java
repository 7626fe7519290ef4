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
import dev.ebpf4j.k8s.model.ServiceType;
import dev.ebpf4j.k8s.model.SessionAffinity;
import dev.ebpf4j.k8s.model.TargetPort;
import dev.ebpf4j.k8s.model.TrafficPolicy;
import dev.ebpf4j.k8s.policy.KernelPolicyMaps;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.programs.AttachStrategy;
import dev.ebpf4j.programs.BpfLink;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.TcDirection;
import dev.ebpf4j.programs.TcOptions;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.XdpMode;
import dev.ebpf4j.programs.XdpOptions;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.ObjectMapper;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code $ ebpf4j ...} example in the documentation (site/docs/*.md, README.md, deploy/README.md), run exactly as
 * printed by {@code sh -c} through {@code bin/ebpf4j} of the unpacked CLI distribution, against the state the docs
 * describe: a load balancer with a NodePort and a DNS Service and a policy object, their maps pinned under
 * {@code $PINS} as the agent pins them; a "node" namespace where the commands run, with a pod route to {@code pv0}
 * whose tcx hooks run the policy programs; and the {@code $NETNS} namespace with the attachments of the net show
 * example. {@code $PINS} and {@code $NETNS} are the only placeholders the docs may use.
 *
 * <p>Each example must exit 0 (1 when its documented output is an {@code error:} line) and print the lines the docs
 * show up to numbers (ids, ifindexes, revisions) and column padding; JSON lines must parse. It runs after
 * {@code package} (surefire execution {@code cli-distribution-examples}, tag {@code distribution}), which makes the tar.gz.
 */
@Tag("kernel")
@Tag("distribution")
@ExtendWith(FdLeakCheck.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocumentedCliExamplesIT {
    private static final Path ROOT = Path.of("..");
    private static final List<Path> PAGES_OUTSIDE_SITE = List.of(ROOT.resolve("README.md"), ROOT.resolve("deploy/README.md"));
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");

    /** One documented command: where it is, the command line after "$ ", the output lines shown under it. */
    record Example(Path page, int line, String command, List<String> output) {
        boolean isError() {
            return !output.isEmpty() && output.getFirst().startsWith("error:");
        }

        @Override
        public String toString() {
            return ROOT.relativize(page) + ":" + line + " $ " + command;
        }
    }

    private final Deque<AutoCloseable> state = new ArrayDeque<>();
    private Path work, launcher, pins;
    private NetNamespace node, netns;

    @BeforeAll
    void unpackDistributionAndSetUpState() throws Throwable {
        work = Files.createTempDirectory("e4j-cli-docs");
        launcher = CliDistribution.unpack(work);
        pins = Files.createDirectories(Path.of("/sys/fs/bpf", "e4j-cli-docs-" + Integer.toHexString(ThreadLocalRandom.current().nextInt())));
        node = keep(NetNamespace.create("e4j-doc-node"));
        netns = keep(NetNamespace.create("e4j-doc-net"));
        loadBalancerWithNodePortAndDns();
        policyWithTwoPods();
        netShowAttachments();
    }

    @AfterAll
    void tearDown() throws Exception {
        Exception first = null;
        while (!state.isEmpty()) {
            try {
                state.pop().close();
            } catch (Exception e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        for (Path dir : new Path[] {pins, work}) {
            if (dir == null || !Files.exists(dir)) continue;
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        if (first != null) throw first;
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedExampleRunsAsPrinted() throws Exception {
        List<Example> examples = examples();
        assertFalse(examples.isEmpty(), "no '$ ebpf4j' examples found in the docs");
        return examples.stream().map(e -> DynamicTest.dynamicTest(e.toString(), () -> check(e)));
    }

    /** Every "$ ebpf4j" line inside a fenced block of the pages, with the lines under it up to a blank or "$" line. */
    static List<Example> examples() throws Exception {
        List<Path> pages = new ArrayList<>();
        try (Stream<Path> s = Files.list(ROOT.resolve("site/docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        for (Path p : PAGES_OUTSIDE_SITE) if (Files.exists(p)) pages.add(p);
        List<Example> all = new ArrayList<>();
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.startsWith("```")) {
                    fenced = !fenced;
                } else if (fenced && l.startsWith("$ ebpf4j")) {
                    List<String> out = new ArrayList<>();
                    for (int j = i + 1; j < lines.size(); j++) {
                        String o = lines.get(j);
                        if (o.isBlank() || o.startsWith("$ ") || o.startsWith("```")) break;
                        out.add(o);
                    }
                    all.add(new Example(page, i + 1, l.substring(2), out));
                }
            }
        }
        return all;
    }

    private static List<String> rows(List<String> lines) {
        List<String> shapes = new java.util.ArrayList<>(lines.stream().map(DocumentedCliExamplesIT::shape).toList());
        if (shapes.size() > 1) java.util.Collections.sort(shapes.subList(1, shapes.size()));
        return shapes;
    }

    private void check(Example e) throws Exception {
        Matcher m = PLACEHOLDER.matcher(e.command());
        while (m.find()) {
            assertTrue(placeholders().containsKey(m.group(1)), e + " uses $" + m.group(1) + ", which this test does not set:"
                    + " use $PINS or $NETNS, or set up its state here and add it to placeholders()");
        }
        CliDistribution.Result r = runExample(e.command());
        List<String> shown = r.out().lines().toList();
        if (e.isError()) {
            assertEquals(1, r.exit(), e + ": documented as an error (exit 1); stdout " + r.out() + ", stderr " + r.err());
            shown = r.err().lines().toList();
            assertEquals("", r.out(), e + ": an error prints nothing on stdout");
        } else {
            assertEquals(0, r.exit(), e + " exited " + r.exit() + ": " + r.err());
        }
        // Row order follows the ids the datapath allocated, which depend on the order the controller met the objects:
        // the header stays first, the rows compare as a multiset.
        assertEquals(rows(e.output()), rows(shown),
                e + ": the output differs from the docs beyond numbers and padding; it printed:\n" + String.join("\n", shown));
        ObjectMapper json = new ObjectMapper();
        for (String line : shown) if (line.startsWith("{")) assertTrue(json.readTree(line).isObject(), line);
    }

    /** A line with every number as 0 and every run of blanks as one space: the docs' ids and column widths are examples. */
    static String shape(String line) {
        return line.replaceAll("\\d+", "0").replaceAll("\\s+", " ").strip();
    }

    private Map<String, String> placeholders() {
        return Map.of("PINS", pins.toString(), "NETNS", netns.name());
    }

    /** {@code sh -c COMMAND} in the node namespace, with bin/ of the distribution first on PATH and the placeholders set. */
    private CliDistribution.Result runExample(String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("nsenter", "--net=" + node.path(), "sh", "-c", command);
        pb.environment().put("PATH", launcher.getParent() + ":" + System.getenv("PATH"));
        pb.environment().putAll(placeholders());
        return CliDistribution.run(pb);
    }

    private <T extends AutoCloseable> T keep(T resource) {
        state.push(resource);
        return resource;
    }

    private void pinAll(BpfObject obj, String layout, List<String> maps) throws Throwable {
        Path dir = Files.createDirectories(pins.resolve(layout).resolve("maps"));
        for (String name : maps) BpfPins.pin(obj.map(name), dir.resolve(name));
    }

    /** service list/backends: NodePort web (three ready backends, one terminating) and a DNS ClusterIP, via the controller. */
    private void loadBalancerWithNodePortAndDns() throws Throwable {
        LoadBalancer lb = keep(LoadBalancer.load(new LbConfig("n1", Selection.MAGLEV, true)));
        ServiceName web = new ServiceName("default", "web"), dns = new ServiceName("kube-system", "dns");
        Service webService = new Service(web, ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral("10.96.0.10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080)), List.of(), List.of(),
                SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
        Service dnsService = Service.clusterIp(dns, InetAddress.ofLiteral("10.96.0.53"), List.of(ServicePort.of("dns", Protocol.UDP, 53)));
        List<Endpoint> webEndpoints = new ArrayList<>();
        for (int i = 1; i <= 3; i++) webEndpoints.add(Endpoint.ready(InetAddress.ofLiteral("10.1.0." + i), "n1"));
        webEndpoints.add(Endpoint.ready(InetAddress.ofLiteral("10.1.0.9"), "n1").withConditions(EndpointConditions.TERMINATING));
        lb.controller().sync(ClusterSnapshot.of(List.of(webService, dnsService), List.of(
                new EndpointSlice("default", "web-1", web, AddressType.IPV4, webEndpoints, List.of(new EndpointPort("http", Protocol.TCP, 8080))),
                new EndpointSlice("kube-system", "dns-1", dns, AddressType.IPV4, List.of(Endpoint.ready(InetAddress.ofLiteral("10.1.1.5"), "n1")),
                        List.of(new EndpointPort("dns", Protocol.UDP, 53)))), 1));
        pinAll(lb.object(), "lb-v1", List.of("lb_services", "lb_slots", "lb_maglev", "lb_backends"));
    }

    /** endpoint list/policy get: the entries of the docs, and pv0 in the node namespace with both policy programs on it. */
    private void policyWithTwoPods() throws Throwable {
        Path object = BpfBuilder.create().compile(Path.of("../bpf-src/src/main/bpf/policy.bpf.c"), work.resolve("policy.bpf.o")).object();
        BpfObject obj = keep(BpfObject.open(object).load());
        KernelPolicyMaps maps = keep(KernelPolicyMaps.of(obj));
        DocumentedPolicyEntries.putInto(maps);
        pinAll(obj, "policy-v1", List.of("policy_endpoints", "policy_ipcache", "policy_rules", "policy_config", "policy_counters"));
        node.ip("link", "add", "pv0", "type", "veth", "peer", "name", "pv1");
        node.ip("link", "set", "pv0", "up");
        node.ip("link", "set", "pv1", "up");
        node.ip("route", "add", "10.0.0.2/32", "dev", "pv0");
        TcProgram fromPod = TcProgram.of(obj.program("policy_from_pod")), toPod = TcProgram.of(obj.program("policy_to_pod"));
        TcOptions link = TcOptions.defaults().strategy(AttachStrategy.LINK);
        keep(node.call(() -> fromPod.attach("pv0", TcDirection.INGRESS, link)));
        keep(node.call(() -> toPod.attach("pv0", TcDirection.EGRESS, link)));
    }

    /** net show: XDP through netlink (generic), cls_bpf on egress at priority 7 handle 3, two tcx links, the second first. */
    private void netShowAttachments() throws Throwable {
        Path object = BpfBuilder.create().compile(Path.of("src/test/bpf/net_show_test.bpf.c"), work.resolve("net_show.bpf.o")).object();
        BpfObject obj = keep(BpfObject.open(object).load());
        netns.ip("link", "add", "nsv0", "type", "veth", "peer", "name", "nsv1");
        netns.ip("link", "set", "nsv0", "up");
        netns.ip("link", "set", "nsv1", "up");
        XdpProgram xdp = XdpProgram.of(obj.program("ns_xdp_pass"));
        TcProgram cls = TcProgram.of(obj.program("ns_cls_pass"));
        TcProgram first = TcProgram.of(obj.program("ns_tcx_first")), second = TcProgram.of(obj.program("ns_tcx_second"));
        keep(netns.call(() -> xdp.attach("nsv0", new XdpOptions(XdpMode.GENERIC, AttachStrategy.NETLINK, java.util.Optional.empty()))));
        keep(netns.call(() -> cls.attach("nsv0", TcDirection.EGRESS, TcOptions.defaults().strategy(AttachStrategy.NETLINK).filter(7, 3))));
        Link secondLink = keep(netns.call(() -> second.attach("nsv0", TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.LINK))));
        keep(netns.call(() -> first.attach("nsv0", TcDirection.INGRESS,
                TcOptions.defaults().strategy(AttachStrategy.LINK).before((BpfLink) secondLink))));
    }
}
