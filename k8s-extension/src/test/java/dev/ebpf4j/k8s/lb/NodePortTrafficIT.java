package dev.ebpf4j.k8s.lb;

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
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * NodePort with real traffic: an "external" namespace connects to the node namespace's address on the node port;
 * the TC program on the node's external interface DNATs to backends in three backend namespaces, the reply program
 * on its egress restores the node address. No namespace has a route out.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class NodePortTrafficIT {
    private static Service service() {
        return new Service(new ServiceName("default", "web"), ServiceType.NODE_PORT, List.of(InetAddress.ofLiteral("10.96.0.10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080)), List.of(), List.of(),
                SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
    }

    private static ClusterSnapshot snapshot(int backends) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 1; i <= backends; i++) eps.add(Endpoint.ready(InetAddress.ofLiteral("10.1." + i + ".1"), "n1"));
        return ClusterSnapshot.of(List.of(service()), List.of(new EndpointSlice("default", "web-1",
                new ServiceName("default", "web"), AddressType.IPV4, eps, List.of(new EndpointPort("http", Protocol.TCP, 8080)))), 1);
    }

    @Test
    void externalClientReachesAllBackendsThroughTheNodePort(@TempDir Path dir) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        try (Topology topo = Topology.create("e4jnp");
             LoadBalancer lb = LoadBalancer.load(LbConfig.forNode("n1"))) {
            NetNamespace ext = topo.namespace("ext");
            NetNamespace node = topo.namespace("node");
            topo.veth(ext, "eth0", "10.0.0.2/24", node, "ext0", "10.0.0.1/24");
            for (int i = 1; i <= 3; i++) {
                NetNamespace b = topo.namespace("b" + i);
                topo.veth(node, "vb" + i, "10.1." + i + ".254/24", b, "eth0", "10.1." + i + ".1/24");
                b.ip("route", "add", "10.0.0.0/24", "via", "10.1." + i + ".254");
                String name = "b" + i;
                InetAddress addr = InetAddress.ofLiteral("10.1." + i + ".1");
                ServerSocket ss = b.call(() -> new ServerSocket(8080, 50, addr));
                servers.add(ss);
                Thread.ofPlatform().daemon().start(() -> serve(ss, name));
            }
            node.exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
            topo.verifyIsolated();
            lb.controller().sync(snapshot(3));
            node.run(() -> lb.attachNodePort("ext0"));

            Set<String> seen = new TreeSet<>();
            for (int i = 0; i < 40; i++) {
                seen.add(ext.call(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("10.0.0.1", 30080), 2000);
                        assertEquals(new InetSocketAddress("10.0.0.1", 30080), s.getRemoteSocketAddress());
                        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                    }
                }));
            }
            assertEquals(Set.of("b1", "b2", "b3"), seen);

            lb.controller().sync(snapshot(0));
            long micros = ext.call(() -> {
                try (Socket s = new Socket()) {
                    long t0 = System.nanoTime();
                    assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("10.0.0.1", 30080), 5000));
                    return (System.nanoTime() - t0) / 1000;
                }
            });
            System.out.println("NodePort without endpoints refused in " + micros + " µs");
            assertTrue(micros < 1_000_000, "refused only after " + micros + " µs");
        } finally {
            for (ServerSocket s : servers) s.close();
        }
    }

    private static void serve(ServerSocket ss, String name) {
        while (!ss.isClosed()) {
            try (Socket s = ss.accept(); var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                out.println(name);
            } catch (IOException closed) {
                return;
            }
        }
    }
}
