package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.SessionAffinity;
import dev.ebpf4j.k8s.model.TrafficPolicy;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static dev.ebpf4j.k8s.lb.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class LbControllerTest {
    private LbConfig config;
    private LbController planner;
    private SimulatedLbDatapath datapath;

    @BeforeEach
    void setUp() {
        config = LbConfig.forNode("n1");
        datapath = new SimulatedLbDatapath();
        planner = new LbController(config, datapath);
    }

    private UpdatePlan sync(ClusterSnapshot snapshot) {
        UpdatePlan plan = planner.sync(snapshot).plan();
        assertEquals(List.of(), datapath.violations());
        assertEquals(DesiredState.compute(snapshot, config), planner.desired(), "incremental desired state equals the full computation");
        return plan;
    }

    private static List<Class<?>> kinds(UpdatePlan plan) {
        return plan.steps().stream().<Class<?>>map(Object::getClass).toList();
    }

    @Test
    void newServiceWritesBackendsThenTablesThenTheServiceEntry() {
        // region ordered-plan
        UpdatePlan plan = sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(3))), 1));
        assertEquals(List.of(UpdatePlan.PutBackends.class, UpdatePlan.PutTables.class, UpdatePlan.PutServices.class), kinds(plan));
        ServiceEntry e = datapath.service(VIP, 80, Protocol.TCP).orElseThrow();
        assertEquals(3, e.count());
        assertEquals(1, e.revision());
        assertEquals(3, datapath.backends().size());
        assertTrue(datapath.select(VIP, 80, Protocol.TCP, 7).orElseThrow().port() == 8080);
        // endregion
    }

    @Test
    void unchangedStateGivesAnEmptyPlan() {
        var snap = ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(3))), 1);
        sync(snap);
        assertTrue(planner.sync(snap).plan().isEmpty());
        var copy = ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(3))), 2);
        assertTrue(planner.sync(copy).plan().isEmpty(), "equal objects that are not identical still give an empty plan");
    }

    @Test
    void removingAnEndpointFlipsToANewRevisionThenDeletesTheOldOne() {
        // region revision-flip
        sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(3))), 1));
        Map<String, Integer> idsBefore = datapath.backends().values().stream()
                .collect(Collectors.toMap(b -> b.address().getHostAddress(), Backend::id));
        UpdatePlan plan = sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(2))), 2));
        assertEquals(List.of(UpdatePlan.PutTables.class, UpdatePlan.PutServices.class, UpdatePlan.DeleteTables.class,
                UpdatePlan.DeleteBackends.class), kinds(plan));
        ServiceEntry e = datapath.service(VIP, 80, Protocol.TCP).orElseThrow();
        assertEquals(2, e.revision());
        assertEquals(2, e.count());
        assertEquals(2, datapath.tableElements(), "old revision's slots deleted");
        for (Backend b : datapath.backends().values()) assertEquals(idsBefore.get(b.address().getHostAddress()), b.id());
        // endregion
    }

    @Test
    void terminatingEndpointStaysInBackendsButLeavesTheSlots() {
        sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(3))), 1));
        var eps = new ArrayList<>(ready(2));
        eps.add(terminating("10.1.0.3"));
        sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", eps)), 2));
        assertEquals(2, datapath.service(VIP, 80, Protocol.TCP).orElseThrow().count());
        Backend t = datapath.backends().values().stream().filter(b -> b.address().getHostAddress().equals("10.1.0.3")).findFirst().orElseThrow();
        assertEquals(BackendState.TERMINATING, t.state());
        for (long h = 0; h < 50; h++) assertNotEquals(t.id(), datapath.select(VIP, 80, Protocol.TCP, h).orElseThrow().id());
        sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(2))), 3));
        assertFalse(datapath.backends().containsKey(t.id()));
    }

    @Test
    void serviceWithoutReadyEndpointsHasZeroSlotsAndRefuses() {
        sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", List.of(terminating("10.1.0.9")))), 1));
        ServiceEntry e = datapath.service(VIP, 80, Protocol.TCP).orElseThrow();
        assertEquals(0, e.count());
        assertTrue(datapath.select(VIP, 80, Protocol.TCP, 1).isEmpty());
    }

    @Test
    void localTrafficPolicyKeepsOnlyThisNodesEndpoints() {
        var svc = web("web", VIP).withTrafficPolicies(TrafficPolicy.CLUSTER, TrafficPolicy.LOCAL);
        sync(ClusterSnapshot.of(List.of(svc), List.of(slice("web", ready(9))), 1));
        ServiceEntry e = datapath.service(VIP, 80, Protocol.TCP).orElseThrow();
        assertEquals(3, e.count(), "n1 hosts endpoints 1, 4 and 7");
        assertTrue(e.has(ServiceEntry.FLAG_LOCAL));
    }

    @Test
    void affinityTimeoutAndFlagReachTheEntry() {
        var svc = web("web", VIP).withSessionAffinity(new SessionAffinity(true, 30));
        sync(ClusterSnapshot.of(List.of(svc), List.of(slice("web", ready(2))), 1));
        ServiceEntry e = datapath.service(VIP, 80, Protocol.TCP).orElseThrow();
        assertEquals(30, e.affinityTimeoutSeconds());
        assertTrue(e.has(ServiceEntry.FLAG_AFFINITY));
    }

    @Test
    void deletedServiceIsRemovedEntryFirstBackendsLast() {
        sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(3))), 1));
        UpdatePlan plan = sync(ClusterSnapshot.EMPTY);
        assertEquals(List.of(UpdatePlan.DeleteServices.class, UpdatePlan.DeleteTables.class, UpdatePlan.DeleteBackends.class), kinds(plan));
        assertEquals(0, datapath.tableElements());
        assertTrue(datapath.backends().isEmpty());
        assertTrue(datapath.services().isEmpty());
    }

    @Test
    void maglevRemovalRemapsAboutOneNthOfFlows() {
        config = config.withSelection(Selection.MAGLEV);
        planner = new LbController(config, datapath);
        int n = 10;
        sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(n))), 1));
        ServiceEntry before = datapath.service(VIP, 80, Protocol.TCP).orElseThrow();
        assertEquals(Maglev.tableSize(n), before.maglevSize());
        int flows = 20_000;
        Random r = new Random(1);
        long[] hashes = r.longs(flows).toArray();
        int[] chosen = new int[flows];
        for (int i = 0; i < flows; i++) chosen[i] = datapath.select(VIP, 80, Protocol.TCP, hashes[i]).orElseThrow().id();
        var eps = new ArrayList<>(ready(n));
        eps.remove(4);
        sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", eps)), 2));
        assertEquals(before.maglevSize(), datapath.service(VIP, 80, Protocol.TCP).orElseThrow().maglevSize(), "size kept");
        int moved = 0;
        for (int i = 0; i < flows; i++) if (datapath.select(VIP, 80, Protocol.TCP, hashes[i]).orElseThrow().id() != chosen[i]) moved++;
        double fraction = (double) moved / flows;
        assertTrue(fraction > 0.08 && fraction < 0.15, "moved " + fraction + " of flows, expected about 1/" + n);
    }

    @Test
    void aFixedMaglevTableSizeIsUsedWhileItHoldsEveryBackend() {
        config = config.withSelection(Selection.MAGLEV).withMaglevTableSize(1021);
        planner = new LbController(config, datapath);
        for (int n : new int[] {3, 40, 1021, 1022, 2}) {
            sync(ClusterSnapshot.of(List.of(web("web", VIP)), List.of(slice("web", ready(n))), n));
            int size = datapath.service(VIP, 80, Protocol.TCP).orElseThrow().maglevSize();
            assertEquals(n <= 1021 ? 1021 : Maglev.tableSize(n), size, n + " backends");
            for (long h = 0; h < size; h++) {
                int id = datapath.select(VIP, 80, Protocol.TCP, h).orElseThrow().id();
                assertTrue(id > 0, "every entry names a backend");
            }
        }
        for (int bad : new int[] {250, 1020, 16_777_260, -1}) {
            var e = assertThrows(IllegalArgumentException.class, () -> LbConfig.forNode("n1").withMaglevTableSize(bad));
            assertTrue(e.getMessage().contains("must be a prime from 251"), e.getMessage());
        }
    }

    @Test
    void randomChurnKeepsTheDatapathConsistentAndEqualToThePlan() {
        Random r = new Random(42);
        List<InetAddress> vips = List.of(VIP, InetAddress.ofLiteral("10.96.0.11"), InetAddress.ofLiteral("10.96.0.12"));
        for (Selection sel : Selection.values()) {
            config = config.withSelection(sel);
            datapath = new SimulatedLbDatapath();
            planner = new LbController(config, datapath);
            for (int round = 0; round < 200; round++) {
                var services = new ArrayList<dev.ebpf4j.k8s.model.Service>();
                var slices = new ArrayList<dev.ebpf4j.k8s.model.EndpointSlice>();
                for (int s = 0; s < vips.size(); s++) {
                    if (r.nextInt(5) == 0) continue;
                    services.add(web("svc" + s, vips.get(s)));
                    var eps = new ArrayList<dev.ebpf4j.k8s.model.Endpoint>();
                    for (var e : ready(8)) {
                        int k = r.nextInt(4);
                        if (k == 0) continue;
                        eps.add(k == 1 ? terminating(e.address().getHostAddress()) : e);
                    }
                    slices.add(slice("svc" + s, eps));
                }
                sync(ClusterSnapshot.of(services, slices, round));
                assertEquals(planner.applied().services(), datapath.services());
                assertEquals(planner.applied().backends(), datapath.backends());
                int elements = planner.applied().tables().values().stream().mapToInt(t -> t.count() + t.maglevSize()).sum();
                assertEquals(elements, datapath.tableElements(), "no leftover revisions");
            }
        }
    }

    @Test
    void incrementalSyncsMatchFullComputationAndTheDatapath() {
        Random r = new Random(7);
        List<dev.ebpf4j.k8s.model.Service> services = new ArrayList<>();
        List<dev.ebpf4j.k8s.model.EndpointSlice> slices = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            services.add(web("svc" + s, InetAddress.ofLiteral("10.96.1." + (s + 1))));
            slices.add(slice("svc" + s, ready(4)));
        }
        var controller = new LbController(config, datapath);
        for (int round = 0; round < 300; round++) {
            int s = r.nextInt(services.size());
            var eps = new ArrayList<dev.ebpf4j.k8s.model.Endpoint>();
            for (var e : ready(8)) if (r.nextBoolean()) eps.add(r.nextInt(4) == 0 ? terminating(e.address().getHostAddress()) : e);
            slices.set(s, slice("svc" + s, eps)); // only this slice object changes; all others stay identical
            var snap = ClusterSnapshot.of(services, slices, round);
            UpdatePlan plan = controller.sync(snap).plan();
            assertEquals(DesiredState.compute(snap, config), controller.desired());
            assertTrue(round == 0 || plan.operations() <= 40, "one Service changed, so the plan stays small: " + plan.operations());
            assertEquals(List.of(), datapath.violations());
            for (var e : DesiredState.compute(snap, config).frontends().entrySet()) {
                List<Backend.Key> active = datapath.activeBackends(e.getKey().address(), e.getKey().port(), e.getKey().protocol())
                        .stream().map(Backend::key).toList();
                assertEquals(e.getValue().active(), active, "round " + round + " " + e.getKey());
            }
        }
    }
}
