package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointConditions;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.model.SessionAffinity;
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
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end through the kernel: the socket LB object attached to a cgroup the test creates, a client namespace
 * and three backend namespaces (veth pairs, no route out), the control plane syncing model snapshots into the
 * maps. Client sockets are created with the JVM inside the cgroup, so the cgroup hooks see them.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class SocketLbIT {
    private static final InetAddress VIP = InetAddress.ofLiteral("10.96.0.10");
    private static final ServiceName WEB = new ServiceName("default", "web");

    private static Topology topology;
    private static NetNamespace client;
    private static TestCgroup cgroup;
    private static LoadBalancer lb;
    private static LbController controller;
    private static final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        topology = Topology.create("e4jlb");
        try {
            client = topology.namespace("cli");
            for (int i = 1; i <= 3; i++) {
                NetNamespace b = topology.namespace("b" + i);
                topology.veth(client, "vb" + i, "10.1." + i + ".254/24", b, "eth0", "10.1." + i + ".1/24");
                client.ip("-6", "addr", "add", "fd00:1:" + i + "::254/64", "dev", "vb" + i, "nodad");
                b.ip("-6", "addr", "add", "fd00:1:" + i + "::1/64", "dev", "eth0", "nodad");
                startServers(b, "b" + i, InetAddress.ofLiteral("10.1." + i + ".1"));
                startServers(b, "b" + i, InetAddress.ofLiteral("fd00:1:" + i + "::1"));
            }
            topology.verifyIsolated();
            lb = LoadBalancer.load(new LbConfig("n1", Selection.RANDOM, false));
            controller = lb.controller();
            cgroup = TestCgroup.create("e4j-k8slb");
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

    /** A TCP server that greets with its name and then echoes lines, and a UDP server that answers its name. */
    private static void startServers(NetNamespace ns, String name, InetAddress address) {
        ServerSocket tcp = ns.call(() -> new ServerSocket(8080, 50, address));
        DatagramChannel udp = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(address, 5353)));
        servers.add(tcp);
        servers.add(udp);
        Thread.ofPlatform().daemon().name("srv-" + name).start(() -> {
            while (!tcp.isClosed()) {
                try {
                    Socket s = tcp.accept();
                    Thread.ofPlatform().daemon().start(() -> echo(s, name));
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

    private static void echo(Socket s, String name) {
        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
             var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            out.println(name);
            for (String line; (line = in.readLine()) != null; ) out.println(name + ":" + line);
        } catch (IOException ignored) {
            // client went away
        }
    }

    private static Service service(SessionAffinity affinity) {
        return Service.clusterIp(WEB, VIP, List.of(ServicePort.of("http", Protocol.TCP, 80),
                ServicePort.of("dns", Protocol.UDP, 53))).withSessionAffinity(affinity);
    }

    private static Endpoint endpoint(int i, EndpointConditions c) {
        return new Endpoint(List.of(InetAddress.ofLiteral("10.1." + i + ".1")), c, Optional.of("n1"), Optional.empty());
    }

    private static void sync(Service svc, List<Endpoint> endpoints) {
        var slice = new EndpointSlice("default", "web-1", WEB, AddressType.IPV4, endpoints,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("dns", Protocol.UDP, 5353)));
        controller.sync(ClusterSnapshot.of(List.of(svc), List.of(slice), System.nanoTime()));
    }

    private static List<Endpoint> allReady() {
        return List.of(endpoint(1, EndpointConditions.READY), endpoint(2, EndpointConditions.READY),
                endpoint(3, EndpointConditions.READY));
    }

    /** Runs a client task in the client namespace with the JVM in the LB cgroup (where its sockets are made). */
    private static <T> T inClient(Callable<T> task) throws Exception {
        return cgroup.runInside(() -> client.call(task));
    }

    private static String greeting() throws Exception {
        return inClient(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(VIP, 80), 2000);
                return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            }
        });
    }

    @Test
    void manifestDirectoryDrivesTheKernelDatapath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String svc = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec:
                  clusterIP: 10.96.0.10
                  ports: [{name: http, port: 80, targetPort: 8080}]
                """;
        java.nio.file.Files.writeString(dir.resolve("svc.yaml"), svc);
        java.nio.file.Files.writeString(dir.resolve("eps.yaml"), slice("10.1.2.1"));
        try (var source = new dev.ebpf4j.k8s.source.ManifestDirectorySource(dir)) {
            controller.follow(source);
            source.start(java.time.Duration.ofSeconds(5));
            awaitGreeting("b2");
            java.nio.file.Files.writeString(dir.resolve("eps.yaml"), slice("10.1.3.1"));
            awaitGreeting("b3");
        }
    }

    private static String slice(String ip) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: web-1, namespace: default, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                ports: [{name: http, port: 8080, protocol: TCP}]
                endpoints: [{addresses: [%s]}]
                """.formatted(ip);
    }

    private static void awaitGreeting(String backend) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = greeting();
                if (backend.equals(last)) return;
            } catch (Exception e) {
                last = e.toString();
            }
            Thread.sleep(20);
        }
        fail("never reached " + backend + "; last: " + last);
    }

    @Test
    void ipv6ClusterIp() throws Exception {
        InetAddress vip6 = InetAddress.ofLiteral("fd00:96::10");
        Service svc = Service.clusterIp(new ServiceName("default", "web6"), vip6, List.of(ServicePort.of("http", Protocol.TCP, 80)));
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            eps.add(new Endpoint(List.of(InetAddress.ofLiteral("fd00:1:" + i + "::1")), EndpointConditions.READY, Optional.of("n1"), Optional.empty()));
        }
        var slice = new EndpointSlice("default", "web6-1", svc.id(), AddressType.IPV6, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080)));
        controller.sync(ClusterSnapshot.of(List.of(svc), List.of(slice), System.nanoTime()));
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 40; i++) {
            seen.add(inClient(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(vip6, 80), 2000);
                    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                }
            }));
        }
        assertEquals(java.util.Set.of("b1", "b2", "b3"), seen);
    }

    @Test
    void getpeernameShowsTheVipToAPlainIpv4Socket() throws Exception {
        sync(service(SessionAffinity.NONE), allReady());
        // Java caches the address it connected to, so ask getpeername(2) from a process with a plain AF_INET socket.
        String perl = "use Socket; socket(S, PF_INET, SOCK_STREAM, 0) or die; "
                + "connect(S, pack_sockaddr_in(80, inet_aton('10.96.0.10'))) or die 'connect: ' . $!; "
                + "my ($p, $a) = unpack_sockaddr_in(getpeername(S)); my $l = <S>; print inet_ntoa($a), ':', $p, ' ', $l;";
        // the shell joins the cgroup first, so the perl process and its socket belong to it
        var r = client.exec("sh", "-c", "echo $$ > \"$0\" && exec perl -e \"$1\"", cgroup.path().resolve("cgroup.procs").toString(), perl);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().matches("(?s)10\\.96\\.0\\.10:80 b[123]\\s*"), r.output());
    }

    @Test
    void clusterIpTcpSpreadsOverAllBackends() throws Exception {
        sync(service(SessionAffinity.NONE), allReady());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 60; i++) seen.merge(greeting(), 1, Integer::sum);
        assertEquals(java.util.Set.of("b1", "b2", "b3"), seen.keySet(), "distribution " + seen);
    }

    @Test
    void clusterIpUdpRepliesComeFromTheVipAndEachSocketIsOneFlow() throws Exception {
        sync(service(SessionAffinity.NONE), allReady());
        List<List<String>> perSocket = inClient(() -> {
            List<List<String>> out = new ArrayList<>();
            for (int sock = 0; sock < 30; sock++) {
                List<String> answers = new ArrayList<>();
                try (DatagramChannel ch = DatagramChannel.open()) {
                    for (int i = 0; i < 5; i++) {
                        ch.send(ByteBuffer.wrap(new byte[]{'?'}), new InetSocketAddress(VIP, 53));
                        ByteBuffer buf = ByteBuffer.allocate(64);
                        var from = (InetSocketAddress) ch.receive(buf);
                        assertEquals(new InetSocketAddress(VIP, 53), from, "recvmsg translated the source back to the VIP");
                        answers.add(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
                    }
                }
                out.add(answers);
            }
            return out;
        });
        java.util.Set<String> all = new java.util.TreeSet<>();
        for (List<String> answers : perSocket) {
            assertEquals(1, new java.util.HashSet<>(answers).size(), "one socket's datagrams went to several backends: " + answers);
            all.addAll(answers);
        }
        assertEquals(java.util.Set.of("b1", "b2", "b3"), all, "sockets spread over the backends");
    }

    @Test
    void serviceWithoutEndpointsRefusesFast() throws Exception {
        sync(service(SessionAffinity.NONE), List.of());
        long[] nanos = new long[5];
        for (int i = 0; i < nanos.length; i++) {
            int k = i;
            inClient(() -> {
                try (Socket s = new Socket()) {
                    long t0 = System.nanoTime();
                    ConnectException e = assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(VIP, 80), 5000));
                    nanos[k] = System.nanoTime() - t0;
                    assertTrue(e.getMessage().contains("refused"), e.getMessage());
                }
                return null;
            });
        }
        long best = java.util.Arrays.stream(nanos).min().orElseThrow();
        long worst = java.util.Arrays.stream(nanos).max().orElseThrow();
        System.out.printf("ClusterIP without endpoints: connect refused in %d-%d µs%n", best / 1000, worst / 1000);
        assertTrue(worst < 10_000_000, "refusal took " + worst / 1000 + " µs (best " + best / 1000 + " µs)");
    }

    @Test
    void clientIpAffinityKeepsOneBackend() throws Exception {
        sync(service(new SessionAffinity(true, 60)), allReady());
        String first = greeting();
        for (int i = 0; i < 20; i++) assertEquals(first, greeting(), "affinity broken at connection " + i);
    }

    @Test
    void terminatingBackendKeepsItsConnectionAndGetsNoNewOne() throws Exception {
        sync(service(SessionAffinity.NONE), allReady());
        Socket kept = inClient(() -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(VIP, 80), 2000);
            return s;
        });
        try (kept; var in = new BufferedReader(new InputStreamReader(kept.getInputStream(), StandardCharsets.US_ASCII))) {
            String backend = in.readLine();
            int n = Integer.parseInt(backend.substring(1));
            List<Endpoint> eps = new ArrayList<>();
            for (int i = 1; i <= 3; i++) eps.add(endpoint(i, i == n ? EndpointConditions.TERMINATING : EndpointConditions.READY));
            sync(service(SessionAffinity.NONE), eps);
            for (int i = 0; i < 40; i++) assertNotEquals(backend, greeting(), "new connection reached terminating " + backend);
            OutputStream out = kept.getOutputStream();
            out.write("still-there\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(backend + ":still-there", in.readLine(), "established connection to the terminating backend");
        }
    }
}
