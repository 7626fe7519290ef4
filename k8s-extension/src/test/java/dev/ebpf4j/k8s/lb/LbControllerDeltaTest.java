package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.model.SessionAffinity;
import dev.ebpf4j.k8s.source.ClusterDelta;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.ebpf4j.k8s.lb.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The delta path against the from-scratch reference: random changes (Services added, changed, deleted and made
 * headless, two Services claiming one VIP, slices added, emptied, moved between Services and deleted, endpoints
 * turning terminating) fed to {@link LbController#update} as deltas of just the touched Services must leave the
 * simulated maps exactly as {@link DesiredState#compute} of the whole state says, with no invariant violation on the
 * way, and a failed apply must be retried by the next update.
 */
class LbControllerDeltaTest {
    private final Map<ServiceName, Service> services = new TreeMap<>();
    private final Map<String, EndpointSlice> slices = new TreeMap<>();
    private long generation;

    private ClusterSnapshot snapshot() {
        return new ClusterSnapshot(services, slices, generation);
    }

    private ClusterDelta delta(Set<ServiceName> touched) {
        List<ClusterDelta.ServiceChange> changes = new ArrayList<>();
        for (ServiceName n : touched) {
            List<EndpointSlice> mine = slices.values().stream().filter(s -> s.service().equals(n)).toList();
            changes.add(new ClusterDelta.ServiceChange(n, Optional.ofNullable(services.get(n)), mine));
        }
        return new ClusterDelta(++generation, false, changes);
    }

    private static InetAddress vip(int i) {
        return InetAddress.ofLiteral("10.96.0." + (10 + i));
    }

    private static List<Endpoint> randomEndpoints(Random r) {
        List<Endpoint> eps = new ArrayList<>();
        for (int e = 0; e < 6; e++) {
            int k = r.nextInt(4);
            if (k == 0) continue;
            String ip = "10.1.0." + (1 + r.nextInt(12)); // small pool: backends shared between Services
            Endpoint made = k == 1 ? terminating(ip) : ep(ip, "n" + r.nextInt(2));
            // zone hints: none, this node's zone, another one (topology-aware Services prefer "za" endpoints)
            int hint = r.nextInt(4);
            eps.add(hint == 0 ? made : made.withZoneHints(hint == 1 ? Set.of("za") : hint == 2 ? Set.of("zb") : Set.of("za", "zb")));
        }
        return eps.stream().filter(distinctBy()).toList();
    }

    private static java.util.function.Predicate<Endpoint> distinctBy() {
        Set<InetAddress> seen = new java.util.HashSet<>();
        return e -> seen.add(e.address());
    }

    /** Mutates the model at random; returns the Services touched. */
    private Set<ServiceName> mutate(Random r, int serviceCount) {
        Set<ServiceName> touched = new TreeSet<>();
        int changes = 1 + r.nextInt(3);
        for (int c = 0; c < changes; c++) {
            int i = r.nextInt(serviceCount);
            ServiceName n = name("svc" + i);
            switch (r.nextInt(7)) {
                case 0 -> services.remove(n);
                case 1 -> {
                    // svc0 and svc1 may claim the same VIP: the first by name owns it
                    InetAddress ip = r.nextInt(4) == 0 ? vip(0) : vip(i);
                    Service s = Service.clusterIp(n, ip, List.of(ServicePort.of("http", Protocol.TCP, 80)));
                    if (r.nextInt(5) == 0) s = s.withSessionAffinity(new SessionAffinity(true, 10 + r.nextInt(50)));
                    if (r.nextInt(3) == 0) s = s.withTopologyAware(true);
                    services.put(n, s);
                }
                case 2 -> services.put(n, new Service(n, dev.ebpf4j.k8s.model.ServiceType.CLUSTER_IP, List.of(),
                        List.of(ServicePort.of("http", Protocol.TCP, 80)), List.of(), List.of(), null, null, null));
                case 3, 4 -> {
                    EndpointSlice s = new EndpointSlice("default", "svc" + i + "-s" + r.nextInt(2), n, AddressType.IPV4,
                            randomEndpoints(r), List.of(new EndpointPort("http", Protocol.TCP, 8080)));
                    EndpointSlice old = slices.put(s.key(), s);
                    if (old != null) touched.add(old.service());
                }
                case 5 -> {
                    // a slice re-labelled to another Service
                    String key = "default/svc" + i + "-s0";
                    EndpointSlice old = slices.get(key);
                    if (old == null) break;
                    touched.add(old.service());
                    ServiceName other = name("svc" + r.nextInt(serviceCount));
                    slices.put(key, new EndpointSlice("default", old.name(), other, AddressType.IPV4, old.endpoints(), old.ports()));
                    touched.add(other);
                }
                default -> {
                    EndpointSlice old = slices.remove("default/svc" + i + "-s" + r.nextInt(2));
                    if (old != null) touched.add(old.service());
                }
            }
            touched.add(n);
        }
        return touched;
    }

    static void assertMapsMatch(DesiredState want, SimulatedLbDatapath datapath, String where) {
        assertEquals(List.of(), datapath.violations(), where);
        assertEquals(want.frontends().keySet(), datapath.services().keySet(), where + ": frontends");
        for (var e : want.frontends().entrySet()) {
            Frontend f = e.getKey();
            List<Backend.Key> active = datapath.activeBackends(f.address(), f.port(), f.protocol()).stream().map(Backend::key).toList();
            assertEquals(e.getValue().active(), active, where + ": slots of " + f);
            assertEquals(e.getValue().service(), datapath.services().get(f).service(), where + ": owner of " + f);
        }
        Map<Backend.Key, BackendState> held = new TreeMap<>(java.util.Comparator.comparing(Backend.Key::toString));
        datapath.backends().values().forEach(b -> held.put(b.key(), b.state()));
        Map<Backend.Key, BackendState> wanted = new TreeMap<>(java.util.Comparator.comparing(Backend.Key::toString));
        wanted.putAll(want.backends());
        assertEquals(wanted, held, where + ": backends");
    }

    @Test
    void randomDeltasLeaveTheMapsAsTheFullComputationSays() {
        for (Selection selection : Selection.values()) {
            LbConfig config = LbConfig.forNode("n1").withSelection(selection).withZone("za");
            services.clear();
            slices.clear();
            Random r = new Random(11 + selection.ordinal());
            SimulatedLbDatapath datapath = new SimulatedLbDatapath();
            LbController controller = new LbController(config, datapath);
            for (int round = 0; round < 1500; round++) {
                Set<ServiceName> touched = mutate(r, 6);
                controller.update(delta(touched));
                DesiredState want = DesiredState.compute(snapshot(), config);
                assertEquals(want, controller.desired(), "round " + round);
                assertMapsMatch(want, datapath, selection + " round " + round);
                assertEquals(datapath.services(), controller.applied().services(), "round " + round);
            }
        }
    }

    @Test
    void aFullDeltaRemovesWhatItDoesNotList() {
        SimulatedLbDatapath datapath = new SimulatedLbDatapath();
        LbController controller = new LbController(LbConfig.forNode("n1"), datapath);
        services.put(name("a"), web("a", vip(1)));
        services.put(name("b"), web("b", vip(2)));
        slices.put("default/a-s1", slice("a", ready(2)));
        slices.put("default/b-s1", slice("b", ready(3)));
        controller.update(delta(Set.of(name("a"), name("b"))));
        assertEquals(2, datapath.services().size());
        services.remove(name("b"));
        slices.remove("default/b-s1");
        List<ClusterDelta.ServiceChange> onlyA = List.of(new ClusterDelta.ServiceChange(name("a"),
                Optional.of(services.get(name("a"))), List.of(slices.get("default/a-s1"))));
        controller.update(new ClusterDelta(++generation, true, onlyA));
        assertEquals(Set.of(name("a")), Set.copyOf(datapath.services().values().stream().map(ServiceEntry::service).toList()));
        assertEquals(2, datapath.backends().size(), "b's third backend went with it");
    }

    /** Fails the n-th apply after its first step, like a kernel error in the middle of a plan. */
    private static final class FailingDatapath implements LbDatapath {
        final SimulatedLbDatapath inner = new SimulatedLbDatapath();
        int failOn;
        int applies;

        @Override
        public void apply(UpdatePlan plan) {
            if (++applies == failOn && plan.steps().size() > 1) {
                inner.apply(new UpdatePlan(plan.steps().subList(0, 1)));
                throw new IllegalStateException("injected failure after the first step");
            }
            inner.apply(plan);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFailedApplyIsRetriedByTheNextUpdate() {
        LbConfig config = LbConfig.forNode("n1").withSelection(Selection.MAGLEV);
        Random r = new Random(5);
        int trialsWithFailure = 0;
        int trials = 60;
        for (int trial = 0; trial < trials; trial++) {
            services.clear();
            slices.clear();
            FailingDatapath datapath = new FailingDatapath();
            datapath.failOn = 2 + r.nextInt(6);
            LbController controller = new LbController(config, datapath);
            boolean failed = false;
            for (int round = 0; round < 12; round++) {
                try {
                    controller.update(delta(mutate(r, 4)));
                } catch (IllegalStateException expected) {
                    failed = true;
                }
            }
            // one more (possibly empty) update replays whatever the failure left marked
            controller.update(new ClusterDelta(++generation, false, List.of()));
            DesiredState want = DesiredState.compute(snapshot(), config);
            if (failed) trialsWithFailure++;
            String where = "trial " + trial + (failed ? " (with a failure)" : "");
            assertMapsMatch(want, datapath.inner, where);
            int elements = controller.applied().tables().values().stream().mapToInt(t -> t.count() + t.maglevSize()).sum();
            assertEquals(elements, datapath.inner.tableElements(), where + ": tables a failed plan wrote are cleaned up");
        }
        assertTrue(trialsWithFailure >= trials / 3, "failures injected in " + trialsWithFailure + " of " + trials + " trials");
    }

    @Test
    void adoptedStateIsKeptWhenWantedAndDeletedOtherwise() {
        LbConfig config = LbConfig.forNode("n1");
        SimulatedLbDatapath datapath = new SimulatedLbDatapath();
        LbController first = new LbController(config, datapath);
        services.put(name("a"), web("a", vip(1)));
        services.put(name("b"), web("b", vip(2)));
        slices.put("default/a-s1", slice("a", ready(2)));
        slices.put("default/b-s1", slice("b", ready(4)));
        first.sync(snapshot());
        LbState adopted = first.applied();
        services.remove(name("b"));
        slices.remove("default/b-s1");
        LbController second = new LbController(config, datapath, adopted);
        UpdatePlan plan = second.sync(snapshot()).plan();
        assertFalse(plan.steps().stream().anyMatch(s -> s instanceof UpdatePlan.PutTables), "a's table is reused: " + plan);
        assertMapsMatch(DesiredState.compute(snapshot(), config), datapath, "after adoption");
        assertEquals(0, datapath.tableElements() - 2, "b's table deleted, a's kept");
    }
}
