package dev.ebpf4j.kernelmatrix.guest;

import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LoadBalancer;
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
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Socket-level ClusterIP load balancing in the guest kernel, through the k8s extension's public LoadBalancer: the
 * cgroup connect/sendmsg/recvmsg/getpeername programs on a cgroup the test makes, a client namespace and two backend
 * namespaces (veth pairs, no route out). The client's sockets are made inside the cgroup and its namespace.
 */
@Tag("guest")
@ExtendWith(FdLeakCheck.class)
class SocketLbGuestIT {
    private static final InetAddress VIP = InetAddress.ofLiteral("10.96.0.10");
    private static final ServiceName WEB = new ServiceName("default", "web");
    private static final int BACKENDS = 2;

    private static Topology topology;
    private static NetNamespace client;
    private static TestCgroup cgroup;
    private static LoadBalancer lb;
    private static final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        topology = Topology.create("e4jglb");
        try {
            client = topology.namespace("cli");
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 1; i <= BACKENDS; i++) {
                NetNamespace b = topology.namespace("b" + i);
                topology.veth(client, "vb" + i, "10.1." + i + ".254/24", b, "eth0", "10.1." + i + ".1/24");
                InetAddress address = InetAddress.ofLiteral("10.1." + i + ".1");
                startServers(b, "b" + i, address);
                endpoints.add(Endpoint.ready(address, "n1"));
            }
            topology.verifyIsolated();
            lb = LoadBalancer.load(new LbConfig("n1", Selection.RANDOM, false));
            Service svc = Service.clusterIp(WEB, VIP, List.of(ServicePort.of("http", Protocol.TCP, 80),
                    ServicePort.of("dns", Protocol.UDP, 53)));
            var slice = new EndpointSlice("default", "web-1", WEB, AddressType.IPV4, endpoints,
                    List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("dns", Protocol.UDP, 5353)));
            lb.controller().sync(ClusterSnapshot.of(List.of(svc), List.of(slice), System.nanoTime()));
            cgroup = TestCgroup.create("e4j-glb");
            lb.attachCgroup(cgroup.path());
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        for (AutoCloseable s : servers) s.close();
        servers.clear();
        if (lb != null) lb.close();
        if (cgroup != null) cgroup.close();
        if (topology != null) topology.close();
    }

    @Test
    void tcpToTheClusterIpReachesEveryBackendAndPeerIsTheVip() throws Exception {
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < 12 && seen.size() < BACKENDS; i++) {
            seen.add(inClient(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(VIP, 80), 3000);
                    assertEquals(new InetSocketAddress(VIP, 80), s.getRemoteSocketAddress(), "getpeername shows the VIP");
                    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                }
            }));
        }
        assertEquals(Set.of("b1", "b2"), seen, "backends reached through " + VIP + ":80");
    }

    @Test
    void udpToTheClusterIpIsAnsweredFromTheVip() throws Exception {
        String answer = inClient(() -> {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.connect(new InetSocketAddress(VIP, 53));
                ch.write(ByteBuffer.wrap("q".getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer buf = ByteBuffer.allocate(64);
                ch.configureBlocking(false);
                long deadline = System.nanoTime() + 3_000_000_000L;
                while (ch.read(buf) <= 0 && System.nanoTime() < deadline) Thread.sleep(10);
                assertEquals(new InetSocketAddress(VIP, 53), ch.getRemoteAddress(), "connected peer stays the VIP");
                return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
            }
        });
        assertTrue(answer.equals("b1") || answer.equals("b2"), "UDP answer from a backend, got " + answer);
        String unconnected = inClient(() -> {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.send(ByteBuffer.wrap("q".getBytes(StandardCharsets.US_ASCII)), new InetSocketAddress(VIP, 53));
                ByteBuffer buf = ByteBuffer.allocate(64);
                ch.configureBlocking(false);
                long deadline = System.nanoTime() + 3_000_000_000L;
                InetSocketAddress from;
                while ((from = (InetSocketAddress) ch.receive(buf)) == null && System.nanoTime() < deadline) Thread.sleep(10);
                assertEquals(new InetSocketAddress(VIP, 53), from, "recvmsg rewrites the source back to the VIP");
                return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
            }
        });
        assertTrue(unconnected.equals("b1") || unconnected.equals("b2"), "sendto answer from a backend, got " + unconnected);
    }

    private static <T> T inClient(Callable<T> task) throws Exception {
        return cgroup.runInside(() -> client.call(task));
    }

    private static void startServers(NetNamespace ns, String name, InetAddress address) {
        ServerSocket tcp = ns.call(() -> new ServerSocket(8080, 50, address));
        DatagramChannel udp = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(address, 5353)));
        servers.add(tcp);
        servers.add(udp);
        Thread.ofPlatform().daemon().name("srv-" + name).start(() -> {
            while (!tcp.isClosed()) {
                try (Socket s = tcp.accept(); var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                    out.println(name);
                } catch (IOException closed) {
                    return;
                }
            }
        });
        Thread.ofPlatform().daemon().name("udp-" + name).start(() -> {
            ByteBuffer buf = ByteBuffer.allocate(512);
            while (udp.isOpen()) {
                try {
                    buf.clear();
                    var from = udp.receive(buf);
                    udp.send(ByteBuffer.wrap(name.getBytes(StandardCharsets.US_ASCII)), from);
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }
}
