package dev.ebpf4j.k8s.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.EndpointEntry;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.IpcacheEntry;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.PolicyEntry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The incremental compiler against the reference: a random cluster goes through random churn (pods relabelled,
 * added, removed, moved between nodes or claiming another pod's address; policies added, replaced, removed, given other ports;
 * namespaces relabelled; node addresses changed). After every step the incremental contents equal a from-scratch
 * {@link PolicyCompiler} compile of the same state (endpoint and rule numbers translated to pods and rules), the
 * simulated maps written through the incremental plan hold exactly those contents, every intermediate map state
 * allows what both the state before and after allow between the same pods, and the final maps decide every probe as the evaluator does.
 */
class IncrementalPolicyCompilerProperties {

    private static final AtomicLong STEPS = new AtomicLong();
    private static final AtomicLong WRITES = new AtomicLong();
    private static final String NODE = "n1";

    @Property(tries = 150, seed = "7", edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    void churnMatchesFromScratchCompiles(@ForAll("clusters") ClusterState start, @ForAll("clusters") ClusterState pool,
                                         @ForAll long seed) {
        Random random = new Random(seed);
        IdentityAllocator identities = new IdentityAllocator();
        IncrementalPolicyCompiler incremental = new IncrementalPolicyCompiler(NODE, identities);
        InMemoryPolicyMaps maps = new InMemoryPolicyMaps(NODE);
        PolicyDatapathModel model = PolicyDatapathModel.over(List.of(maps));
        ClusterState before = new ClusterState(List.of(), List.of(), List.of(), RandomClusters.NODES);
        ClusterState state = start;
        for (int step = 0; step < 12; step++) {
            ClusterState current = state;
            List<PolicyMapUpdate.Op> ops = PolicyMapUpdate.plan(incremental.update(current));
            PolicyEvaluator was = new PolicyEvaluator(before);
            PolicyEvaluator now = new PolicyEvaluator(state);
            List<Probe> probes = EvaluatorVsDatapathModelProperties.probes(state);
            List<Probe> allowedInBoth = step == 0 ? List.of() : probes.stream()
                    .filter(p -> local(was.state(), p) && local(current, p) && sameEnds(was.state(), current, p) && was.evaluate(p).allowed() && now.evaluate(p).allowed()).toList();
            for (PolicyMapUpdate.Op op : ops) {
                op.applyTo(maps);
                WRITES.incrementAndGet();
                for (Probe p : allowedInBoth) {
                    assertTrue(model.decide(p).allowed(), () -> "transiently denied after " + op + ": " + p
                            + "\nops " + ops + "\nbefore " + was.state() + "\nnow " + current + "\n" + model.decide(p));
                }
            }
            CompiledPolicy got = incremental.current();
            CompiledPolicy want = new PolicyCompiler(identities).compile(state, NODE);
            int s = step;
            assertEquals(normalise(want, state), normalise(got, state), () -> "contents differ after step " + s);
            assertHolds(maps, got);
            for (Probe p : probes) {
                if (!local(state, p)) continue;
                assertEquals(now.evaluate(p).allowed(), model.decide(p).allowed(), () -> "step " + s + ": " + p);
            }
            STEPS.incrementAndGet();
            before = state;
            state = mutate(state, pool, random);
        }
    }

    /** Random clusters with policies named apart, as sources hold them (one object per namespace/name). */
    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<ClusterState> clusters() {
        return RandomClusters.clusters().map(c -> {
            List<NetworkPolicy> named = new ArrayList<>();
            for (NetworkPolicy p : c.policies()) {
                named.add(new NetworkPolicy(p.namespace(), p.name() + named.size(), p.podSelector(), p.policyTypes(),
                        p.ingress(), p.egress()));
            }
            return new ClusterState(c.namespaces(), c.pods(), named, c.nodeAddresses());
        });
    }

    /** One node's maps decide only probes with a local end; the others' verdicts need the other node's maps. */
    private static boolean local(ClusterState state, Probe p) {
        return end(state, p.source()) && end(state, p.destination());
    }

    /**
     * Whether both ends belong to the same pods (or to none) before and after: an address that changes hands is
     * another flow, which no update order can keep allowed throughout.
     */
    private static boolean sameEnds(ClusterState before, ClusterState after, Probe p) {
        return owner(before, p.source()).equals(owner(after, p.source()))
                && owner(before, p.destination()).equals(owner(after, p.destination()));
    }

    private static String owner(ClusterState state, InetAddress a) {
        return state.podByIp(a).map(pod -> pod.key() + "@" + pod.node()).orElse("-");
    }

    private static boolean end(ClusterState state, InetAddress a) {
        return state.podByIp(a).map(pod -> pod.node().equals(NODE)).orElse(true);
    }

    private static ClusterState mutate(ClusterState s, ClusterState pool, Random r) {
        List<Pod> pods = new ArrayList<>(s.pods());
        List<NetworkPolicy> policies = new ArrayList<>(s.policies());
        List<Namespace> namespaces = new ArrayList<>(s.namespaces());
        Map<String, List<InetAddress>> nodes = s.nodeAddresses();
        int changes = 1 + r.nextInt(3);
        for (int c = 0; c < changes; c++) {
            Pod some = pods.isEmpty() ? null : pods.get(r.nextInt(pods.size()));
            Pod other = pool.pods().get(r.nextInt(pool.pods().size()));
            switch (r.nextInt(10)) {
                case 8 -> {
                    // The same peers on other ports: an edit whose rule targets stay.
                    if (policies.isEmpty() || pool.policies().isEmpty()) break;
                    NetworkPolicy p = policies.get(r.nextInt(policies.size()));
                    NetworkPolicy donor = pool.policies().get(r.nextInt(pool.policies().size()));
                    List<dev.ebpf4j.k8s.model.NetworkPolicyPort> ports = donor.ingress().isEmpty() ? List.of()
                            : donor.ingress().get(0).ports();
                    policies.set(policies.indexOf(p), new NetworkPolicy(p.namespace(), p.name(), p.podSelector(),
                            p.policyTypes(), p.ingress().stream().map(x -> new dev.ebpf4j.k8s.model.NetworkPolicyRule(x.peers(), ports)).toList(),
                            p.egress().stream().map(x -> new dev.ebpf4j.k8s.model.NetworkPolicyRule(x.peers(), ports)).toList()));
                }
                case 0 -> { if (some != null) pods.set(pods.indexOf(some), some.withLabels(other.labels())); }
                case 1 -> {
                    int n = 20 + r.nextInt(20);
                    String ns = namespaces.get(r.nextInt(namespaces.size())).name();
                    pods.removeIf(p -> p.key().equals(ns + "/q" + n));
                    pods.add(new Pod(ns, "q" + n, other.labels(), List.of(RandomClusters.podIp(n), RandomClusters.podIp6(n)),
                            r.nextBoolean() ? "n1" : "n2", other.ports()));
                }
                case 2 -> { if (some != null) pods.remove(some); }
                case 3 -> {
                    if (pool.policies().isEmpty()) break;
                    NetworkPolicy p = pool.policies().get(r.nextInt(pool.policies().size()));
                    String ns = namespaces.get(r.nextInt(namespaces.size())).name();
                    NetworkPolicy moved = new NetworkPolicy(ns, p.name(), p.podSelector(), p.policyTypes(),
                            p.ingress(), p.egress());
                    policies.removeIf(x -> x.key().equals(moved.key()));
                    policies.add(moved);
                }
                case 4 -> { if (!policies.isEmpty()) policies.remove(r.nextInt(policies.size())); }
                case 5 -> {
                    int i = r.nextInt(namespaces.size());
                    Namespace from = pool.namespaces().get(r.nextInt(pool.namespaces().size()));
                    namespaces.set(i, namespaces.get(i).withLabels(from.labels()));
                }
                case 6 -> {
                    if (some == null || pods.size() < 2) break;
                    Pod victim = pods.get(r.nextInt(pods.size()));
                    List<InetAddress> ips = new ArrayList<>(some.ips());
                    ips.addAll(victim.ips());
                    pods.set(pods.indexOf(some), new Pod(some.namespace(), some.name(), some.labels(),
                            ips.stream().distinct().toList(), some.node(), some.ports()));
                }
                case 7 -> {
                    if (some != null) pods.set(pods.indexOf(some), new Pod(some.namespace(), some.name(), some.labels(),
                            some.ips(), some.node().equals("n1") ? "n2" : "n1", some.ports()));
                }
                default -> {
                    Map<String, List<InetAddress>> next = new LinkedHashMap<>(nodes);
                    List<InetAddress> n1 = new ArrayList<>(RandomClusters.NODES.get("n1"));
                    if (r.nextBoolean()) n1.add(Cidr.address(r.nextBoolean() ? "192.168.0.9" : "fd01::9"));
                    next.put("n1", n1);
                    nodes = next;
                }
            }
        }
        return new ClusterState(namespaces, pods, policies, nodes);
    }

    /** The contents with endpoint numbers replaced by pod keys and rule numbers by rule references. */
    private static Set<String> normalise(CompiledPolicy c, ClusterState state) {
        Map<Integer, String> podOf = new HashMap<>();
        Set<String> out = new HashSet<>();
        for (EndpointEntry e : c.endpoints()) {
            String pod = state.podByIp(e.address()).orElseThrow().key();
            podOf.put(e.endpointId(), pod);
            out.add("ep " + e.address().getHostAddress() + " " + pod + " " + e.identity() + " " + e.ingressIsolated()
                    + " " + e.egressIsolated());
        }
        for (IpcacheEntry e : c.ipcache()) {
            out.add("ipc " + e.prefix() + " " + e.identity() + " " + e.cidrIdentity());
        }
        for (PolicyEntry e : c.policy()) {
            out.add("rule " + podOf.get(e.endpointId()) + " " + e.peerIdentity() + " " + e.direction() + " "
                    + e.protocol() + " " + e.port() + "/" + e.prefixLength() + " " + c.rules().get(e.ruleId()));
        }
        return out;
    }

    private static void assertHolds(InMemoryPolicyMaps maps, CompiledPolicy c) {
        assertArrayEquals(new int[] {c.endpoints().size(), c.ipcache().size(), c.policy().size()}, maps.sizes());
        for (EndpointEntry e : c.endpoints()) assertArrayEquals(e.value(), maps.endpoint(e.key()).orElseThrow());
        for (IpcacheEntry e : c.ipcache()) assertArrayEquals(e.value(), maps.ipcacheEntry(e.key()).orElseThrow());
        for (PolicyEntry e : c.policy()) assertArrayEquals(e.value(), maps.ruleEntry(e.key()).orElseThrow());
    }

    @AfterContainer
    static void report() {
        System.out.printf("incremental policy compiles: %d churn steps, %d map writes, all equal to from-scratch%n",
                STEPS.get(), WRITES.get());
    }
}
