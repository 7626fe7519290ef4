package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Cidr;
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

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * IPv6 NodePort, externalIP and load-balancer IP with real traffic (lb_nodeport6.h): an "external" namespace reaches
 * the node namespace's address on the node ports and the two Service addresses (routed to the node) over TCP and UDP;
 * the tcx programs on the node's external interface DNAT to backends in two backend namespaces and restore the
 * frontend on the replies. A second client address outside the loadBalancerSourceRanges is dropped at the LB IP only;
 * without endpoints the node's stack refuses at once. No namespace has a route out.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class NodePort6TrafficIT {
    private static final String NODE = "fd00::1", CLIENT = "fd00::2", STRANGER = "fd00::99";
    private static final String EXTERNAL_IP = "fd02::10", LB_IP = "fd03::20";

    private static ClusterSnapshot snapshot(int backends, long generation) {
        Service svc = new Service(new ServiceName("default", "web"), ServiceType.LOAD_BALANCER,
                List.of(InetAddress.ofLiteral("fd96::10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 30080),
                        new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(5353), 30053)),
                List.of(InetAddress.ofLiteral(EXTERNAL_IP)), List.of(InetAddress.ofLiteral(LB_IP)), SessionAffinity.NONE,
                TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER).withLoadBalancerSourceRanges(List.of(Cidr.parse(CLIENT + "/128")));
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 1; i <= backends; i++) eps.add(Endpoint.ready(InetAddress.ofLiteral("fd01:" + i + "::1"), "n1"));
        return ClusterSnapshot.of(List.of(svc), List.of(new EndpointSlice("default", "web-1", svc.id(), AddressType.IPV6, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("dns", Protocol.UDP, 5353)))), generation);
    }

    @Test
    void externalClientReachesLocalBackendsThroughEveryIpv6Frontend() throws Exception {
        List<Closeable> servers = new ArrayList<>();
        try (Topology topo = Topology.create("e4jnp6");
             LoadBalancer lb = LoadBalancer.load(LbConfig.forNode("n1"))) {
            NetNamespace ext = topo.namespace("ext");
            NetNamespace node = topo.namespace("node");
            topo.veth(ext, "eth0", CLIENT + "/64", node, "ext0", NODE + "/64");
            ext.ip("-6", "addr", "add", STRANGER + "/64", "dev", "eth0", "nodad");
            // The Service addresses are not on the node: the client routes them to it, as a router in front would.
            ext.ip("-6", "route", "add", EXTERNAL_IP + "/128", "via", NODE);
            ext.ip("-6", "route", "add", LB_IP + "/128", "via", NODE);
            for (int i = 1; i <= 2; i++) {
                NetNamespace b = topo.namespace("b" + i);
                topo.veth(node, "vb" + i, "fd01:" + i + "::fe/64", b, "eth0", "fd01:" + i + "::1/64");
                b.ip("-6", "route", "add", "fd00::/64", "via", "fd01:" + i + "::fe");
                String name = "b" + i;
                InetAddress addr = InetAddress.ofLiteral("fd01:" + i + "::1");
                ServerSocket ss = b.call(() -> new ServerSocket(8080, 50, addr));
                DatagramSocket ds = b.call(() -> new DatagramSocket(new InetSocketAddress(addr, 5353)));
                servers.add(ss);
                servers.add(ds);
                Thread.ofPlatform().daemon().start(() -> serve(ss, name));
                Thread.ofPlatform().daemon().start(() -> echo(ds, name));
            }
            node.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
            topo.verifyIsolated();
            topo.awaitIpv6Ready();
            lb.controller().sync(snapshot(2, 1));
            node.run(() -> lb.attachNodePort("ext0"));

            for (var frontend : List.of(new InetSocketAddress(NODE, 30080), new InetSocketAddress(EXTERNAL_IP, 80),
                    new InetSocketAddress(LB_IP, 80))) {
                Set<String> seen = new TreeSet<>();
                for (int i = 0; i < 24; i++) seen.add(ext.call(() -> tcp(CLIENT, frontend, 2000)));
                assertEquals(Set.of("b1", "b2"), seen, "TCP to " + frontend);
            }
            for (var frontend : List.of(new InetSocketAddress(NODE, 30053), new InetSocketAddress(EXTERNAL_IP, 53),
                    new InetSocketAddress(LB_IP, 53))) {
                Set<String> seen = new TreeSet<>();
                for (int i = 0; i < 24; i++) seen.add(ext.call(() -> udp(frontend)));
                assertEquals(Set.of("b1", "b2"), seen, "UDP to " + frontend);
            }

            // Outside the source ranges: dropped at the LB IP, while the node port (no ranges) still answers it.
            ext.run(() -> assertThrows(SocketTimeoutException.class, () -> tcp(STRANGER, new InetSocketAddress(LB_IP, 80), 1000)));
            assertTrue(Set.of("b1", "b2").contains(ext.call(() -> tcp(STRANGER, new InetSocketAddress(NODE, 30080), 2000))));

            lb.controller().sync(snapshot(0, 2));
            long micros = ext.call(() -> {
                try (Socket s = new Socket()) {
                    long t0 = System.nanoTime();
                    assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(NODE, 30080), 5000));
                    return (System.nanoTime() - t0) / 1000;
                }
            });
            assertTrue(micros < 1_000_000, "IPv6 NodePort without endpoints refused only after " + micros + " µs");
            ext.run(() -> {
                try (DatagramSocket s = new DatagramSocket()) {
                    s.setSoTimeout(2000);
                    s.connect(new InetSocketAddress(NODE, 30053));
                    s.send(new DatagramPacket(new byte[] {1}, 1));
                    // ICMPv6 port unreachable from the node's stack, not a timeout
                    assertThrows(PortUnreachableException.class, () -> s.receive(new DatagramPacket(new byte[64], 64)));
                }
            });
        } finally {
            for (Closeable s : servers) s.close();
        }
    }

    /** The name of the backend that answered a connection from {@code source}; the peer must stay the frontend. */
    private static String tcp(String source, InetSocketAddress frontend, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(frontend, timeoutMillis);
            assertEquals(frontend, s.getRemoteSocketAddress());
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** The name in the answer to one datagram, which must come from the frontend (a connected socket takes no other). */
    private static String udp(InetSocketAddress frontend) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(CLIENT, 0))) {
            s.setSoTimeout(2000);
            s.connect(frontend);
            s.send(new DatagramPacket(new byte[] {'?'}, 1));
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            s.receive(p);
            assertEquals(frontend, p.getSocketAddress());
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
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

    private static void echo(DatagramSocket ds, String name) {
        byte[] answer = name.getBytes(StandardCharsets.US_ASCII);
        while (!ds.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(new byte[64], 64);
                ds.receive(p);
                ds.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException closed) {
                return;
            }
        }
    }

}
