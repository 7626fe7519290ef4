package dev.ebpf4j.k8s.source;

import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The store's deltas name exactly the Services an event touched, and agree with its snapshots. */
class SnapshotStoreTest {
    private static final ServiceName WEB = new ServiceName("default", "web"), API = new ServiceName("default", "api");

    private static Service svc(ServiceName n, String vip) {
        return Service.clusterIp(n, InetAddress.ofLiteral(vip), List.of(ServicePort.of("http", Protocol.TCP, 80)));
    }

    private static EndpointSlice slice(String name, ServiceName owner, String... ips) {
        return new EndpointSlice("default", name, owner, AddressType.IPV4,
                java.util.Arrays.stream(ips).map(ip -> Endpoint.ready(InetAddress.ofLiteral(ip), "n1")).toList(),
                List.of(new EndpointPort("http", Protocol.TCP, 8080)));
    }

    private static List<ServiceName> names(ClusterDelta d) {
        return d.changes().stream().map(ClusterDelta.ServiceChange::name).toList();
    }

    @Test
    void deltasListOnlyTouchedServicesWithTheirCurrentInputs() throws Exception {
        var deltas = new LinkedBlockingQueue<ClusterDelta>();
        try (var store = new SnapshotStore("test-notify")) {
            store.addDeltaListener(deltas::add);
            store.putService(svc(WEB, "10.96.0.10"));
            store.putService(svc(API, "10.96.0.11"));
            store.putSlice(slice("web-1", WEB, "10.1.0.1"));
            store.publishing(true);
            ClusterDelta first = deltas.poll(5, TimeUnit.SECONDS);
            assertTrue(first.full(), "a listener's first delta is full");
            assertEquals(List.of(API, WEB), names(first));
            assertEquals(1, first.changes().get(1).slices().size());

            store.putSlice(slice("web-1", WEB, "10.1.0.1", "10.1.0.2"));
            ClusterDelta d = deltas.poll(5, TimeUnit.SECONDS);
            assertFalse(d.full());
            assertEquals(List.of(WEB), names(d));
            assertEquals(2, d.changes().getFirst().slices().getFirst().endpoints().size());

            // the same content again is no change: no delta, and the old instance is kept
            EndpointSlice held = store.snapshot().slices().get("default/web-1");
            store.putSlice(slice("web-1", WEB, "10.1.0.1", "10.1.0.2"));
            assertNull(deltas.poll(200, TimeUnit.MILLISECONDS));
            assertSame(held, store.snapshot().slices().get("default/web-1"));

            // a slice re-labelled to another Service touches both
            store.putSlice(slice("web-1", API, "10.1.0.9"));
            d = deltas.poll(5, TimeUnit.SECONDS);
            assertEquals(List.of(API, WEB), names(d));
            assertEquals(List.of(), d.changes().get(1).slices(), "web lost its slice");
            assertEquals(1, d.changes().get(0).slices().size());

            store.removeService(WEB);
            d = deltas.poll(5, TimeUnit.SECONDS);
            assertEquals(List.of(WEB), names(d));
            assertTrue(d.changes().getFirst().service().isEmpty());
            assertEquals(d.generation(), store.snapshot().generation());
            assertEquals(List.of(API), List.copyOf(store.snapshot().services().keySet()));
        }
    }

    @Test
    void aLateListenerStartsWithAFullDeltaAndReplaceAllReportsOnlyDifferences() throws Exception {
        try (var store = new SnapshotStore("test-notify")) {
            store.publishing(true);
            store.replaceAll(List.of(svc(WEB, "10.96.0.10"), svc(API, "10.96.0.11")), List.of(slice("web-1", WEB, "10.1.0.1")));
            var deltas = new LinkedBlockingQueue<ClusterDelta>();
            store.addDeltaListener(deltas::add);
            ClusterDelta first = deltas.poll(5, TimeUnit.SECONDS);
            assertTrue(first.full());
            assertEquals(List.of(API, WEB), names(first));

            // a rescan with equal objects and one changed slice
            store.replaceAll(List.of(svc(WEB, "10.96.0.10"), svc(API, "10.96.0.11")), List.of(slice("web-1", WEB, "10.1.0.2")));
            ClusterDelta d;
            do {
                d = deltas.poll(5, TimeUnit.SECONDS);
            } while (d != null && d.changes().isEmpty());
            assertNotNull(d);
            assertEquals(List.of(WEB), names(d));
        }
    }
}
