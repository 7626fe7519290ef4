package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.PutMode;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Re-adoption of maps written by an earlier controller: {@link KernelLbDatapath#adopt()} reads back the state the
 * controller applied, drops the slot and Maglev entries a crashed run could have left unreferenced, and a new
 * controller planning from it rewrites no table.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class KernelLbAdoptIT {
    private static final LbConfig CONFIG = new LbConfig("n1", Selection.MAGLEV, false);

    @Test
    void adoptReadsTheAppliedStateAndDropsOrphans() {
        try (LoadBalancer lb = LoadBalancer.load(CONFIG)) {
            lb.controller().sync(snapshot(3, 1));
            LbState applied = lb.controller().applied();
            SlotTable some = applied.tables().values().iterator().next();
            LbMapCodec.SlotKey staleRevision = LbMapCodec.slotKey(some.serviceId(), some.revision() + 1, 0);
            LbMapCodec.SlotKey unknownService = LbMapCodec.slotKey(999, 1, 0);
            LbMapCodec.SlotKey pastCount = LbMapCodec.slotKey(some.serviceId(), some.revision(), some.count());
            try (var slots = BpfHashMap.of(lb.object().map(LbMapCodec.SLOTS), LbMapCodec.SLOT_KEY, LbMapCodec.ID);
                 var maglev = BpfHashMap.of(lb.object().map(LbMapCodec.MAGLEV), LbMapCodec.SLOT_KEY, LbMapCodec.ID);
                 KernelLbDatapath datapath = KernelLbDatapath.of(lb.object())) {
                slots.putAll(Map.of(staleRevision, 1, unknownService, 1, pastCount, 1), PutMode.ANY);
                maglev.put(staleRevision, 1, PutMode.ANY);

                LbState adopted = datapath.adopt();
                assertEquals(applied.backends(), adopted.backends());
                assertEquals(applied.tables(), adopted.tables());
                assertEquals(applied.services().keySet(), adopted.services().keySet());
                applied.services().forEach((f, e) -> {
                    ServiceEntry a = adopted.services().get(f);
                    assertEquals(List.of(e.id(), e.revision(), e.count(), e.maglevSize(), e.affinityTimeoutSeconds(), e.flags()),
                            List.of(a.id(), a.revision(), a.count(), a.maglevSize(), a.affinityTimeoutSeconds(), a.flags()));
                });
                for (var k : List.of(staleRevision, unknownService, pastCount)) assertTrue(slots.get(k).isEmpty(), "orphan " + k);
                assertTrue(maglev.get(staleRevision).isEmpty());

                LbController next = new LbController(CONFIG, datapath, adopted);
                UpdatePlan same = next.sync(snapshot(3, 2)).plan();
                assertTrue(same.steps().stream().allMatch(s -> s instanceof UpdatePlan.PutServices),
                        "re-syncing the same cluster after adoption rewrites only service entries (same values): " + same.steps());
                UpdatePlan fewer = next.sync(snapshot(2, 3)).plan();
                assertTrue(fewer.steps().stream().anyMatch(s -> s instanceof UpdatePlan.DeleteBackends), fewer.steps().toString());
                assertEquals(new TreeMap<>(next.applied().backends()), new TreeMap<>(datapath.adopt().backends()));
            }
        }
    }

    private static ClusterSnapshot snapshot(int backends, long generation) {
        ServiceName web = new ServiceName("default", "web");
        List<Endpoint> endpoints = new java.util.ArrayList<>();
        for (int i = 1; i <= backends; i++) endpoints.add(Endpoint.ready(InetAddress.ofLiteral("10.1." + i + ".1"), "n1"));
        Service svc = Service.clusterIp(web, InetAddress.ofLiteral("10.96.0.10"), List.of(ServicePort.of("http", Protocol.TCP, 80),
                ServicePort.of("dns", Protocol.UDP, 53)));
        EndpointSlice slice = new EndpointSlice("default", "web-1", web, AddressType.IPV4, endpoints,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("dns", Protocol.UDP, 5353)));
        return ClusterSnapshot.of(List.of(svc), List.of(slice), generation);
    }
}
