package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.Selection;
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
import dev.ebpf4j.maps.MapSpec;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Upgrades of pinned state: an agent whose map layout changed (here {@code lb_backends} resized) migrates the pinned
 * map — new map, entries copied, links switched atomically, pin replaced — while an established TCP connection
 * keeps working and the Service keeps answering; pins that cannot be converted fail with the difference named.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class MigrationIT {
    private static final ServiceName WEB = new ServiceName("default", "web");
    private static final LbConfig CONFIG = new LbConfig("n1", Selection.RANDOM, false);

    @Test
    void resizedMapIsMigratedWithoutDroppingConnections() throws Exception {
        try (AgentTestbed bed = new AgentTestbed("e4jmg", 2)) {
            bed.echoServers(9090);
            try (Agent old = Agent.start(bed.pinDir, CONFIG, bed.cgroup.path())) {
                old.controller().sync(snapshot());
            }
            bed.cgroup.runInside(() -> bed.client.call(() -> {
                try (Socket longLived = new Socket()) {
                    longLived.connect(new InetSocketAddress(AgentTestbed.VIP, 90), 2000);
                    longLived.setSoTimeout(2000);
                    var in = new BufferedReader(new InputStreamReader(longLived.getInputStream(), StandardCharsets.US_ASCII));
                    var out = new PrintWriter(longLived.getOutputStream(), true, StandardCharsets.US_ASCII);
                    out.println("before");
                    assertEquals("before", in.readLine());

                    long t0 = System.nanoTime();
                    try (Agent upgraded = Agent.start(bed.pinDir, CONFIG, bed.cgroup.path(), Map.of("lb_backends", 131072))) {
                        long micros = (System.nanoTime() - t0) / 1000;
                        Agent.StartReport r = upgraded.report();
                        System.out.println("migration: " + r + ", start incl. migration " + micros + " us");
                        assertEquals(1, r.migratedMaps(), r.toString());
                        assertEquals(2, r.adoptedServices(), "both Service ports come over from the maps: " + r);
                        assertEquals(131072, KernelObjects.pinnedMap(bed.pinDir.resolve("lb-v1/maps/lb_backends")).maxEntries());
                        // Before any sync: the migrated backends answer new connections...
                        assertTrue(AgentTestbed.request(80).matches("b[12]"));
                        // ...and the established connection never noticed.
                        out.println("after");
                        assertEquals("after", in.readLine());
                        upgraded.controller().sync(snapshot());
                        assertTrue(AgentTestbed.request(80).matches("b[12]"));
                        assertEquals(8, KernelObjects.cgroupLinks(bed.cgroup.path()).size());
                    }
                    out.println("later");
                    assertEquals("later", in.readLine());
                }
                return null;
            }));
        }
    }

    @Test
    void incompatiblePinFailsNamingTheDifference() throws Exception {
        try (AgentTestbed bed = new AgentTestbed("e4jmi", 1)) {
            Files.createDirectories(bed.pinDir.resolve("lb-v1/maps"));
            var wrong = MapSpec.of(MapType.HASH, "lb_backends", 4, 28, 1024).withPinPath(bed.pinDir.resolve("lb-v1/maps/lb_backends"));
            try (var m = BpfHashMap.create(wrong, Codec.s32(), Codec.bytes(28))) {
                var e = assertThrows(IllegalStateException.class, () -> Agent.start(bed.pinDir, CONFIG, bed.cgroup.path()));
                assertTrue(e.getMessage().contains("value size 28 (object has 24)"), e.getMessage());
            }
            assertEquals(List.of(), KernelObjects.cgroupLinks(bed.cgroup.path()), "nothing attached after the failure");
            Agent.uninstall(bed.pinDir);
            Files.createDirectories(bed.pinDir.resolve("lb-v0"));
            var e = assertThrows(IllegalStateException.class, () -> Agent.start(bed.pinDir, CONFIG, bed.cgroup.path()));
            assertTrue(e.getMessage().contains("layout version 0") && e.getMessage().contains("layout version 1"), e.getMessage());
        }
    }

    private static ClusterSnapshot snapshot() {
        List<Endpoint> endpoints = List.of(Endpoint.ready(InetAddress.ofLiteral(AgentTestbed.backendIp(1)), "n1"),
                Endpoint.ready(InetAddress.ofLiteral(AgentTestbed.backendIp(2)), "n1"));
        Service svc = Service.clusterIp(WEB, AgentTestbed.VIP, List.of(ServicePort.of("http", Protocol.TCP, 80),
                ServicePort.of("echo", Protocol.TCP, 90)));
        EndpointSlice slice = new EndpointSlice("default", "web-1", WEB, AddressType.IPV4, endpoints,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("echo", Protocol.TCP, 9090)));
        return ClusterSnapshot.of(List.of(svc), List.of(slice), 1);
    }
}
