package dev.ebpf4j.k8s.observe;

import com.sun.net.httpserver.HttpServer;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.cli.CliRunner;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP and DNS flows from real traffic between a frontend and a backend namespace, captured by the tcx programs on
 * the backend's interface and read back through the CLI. Includes the seed's troubleshooting example.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class L7FlowsIT {
    static ObserveTopology net;
    static DatapathObserver observer;

    @BeforeAll
    static void start() throws Exception {
        net = new ObserveTopology("e4j-l7");
        observer = DatapathObserver.builder().resolver(net.resolver)
                .objects(() -> BpfObject.open(ObserveObjects.compile("observe_tcp")),
                        () -> BpfObject.open(ObserveObjects.compile("observe_l7")))
                .start();
        net.backend.run(() -> observer.attachL7("be0"));
    }

    @AfterAll
    static void stop() {
        try {
            if (observer != null) observer.close();
        } finally {
            if (net != null) net.close();
        }
    }

    static Flow await(Predicate<Flow> want) throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until) {
            for (Flow f : observer.history().last(0, FlowFilter.all())) if (want.test(f)) return f;
            Thread.sleep(20);
        }
        throw new AssertionError("no such flow; have: " + observer.history().last(0, FlowFilter.all()).stream().map(FlowFormat::summary).toList());
    }

    @Test
    void seedExampleFrontendCallsSlowBackend() throws Exception {
        HttpServer server = net.backend.call(() -> HttpServer.create(new InetSocketAddress(net.backendIp, 8080), 8));
        server.createContext("/api/users", ex -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "[{\"name\":\"ada\"}]".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        try {
            long clientNanos = net.frontend.call(() -> {
                try (Socket s = new Socket(net.backendIp, 8080)) {
                    byte[] req = ("GET /api/users HTTP/1.1\r\nHost: backend\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    long t0 = System.nanoTime();
                    s.getOutputStream().write(req);
                    InputStream in = s.getInputStream();
                    int first = in.read(); // first response byte: what the observer times too
                    long t = System.nanoTime() - t0;
                    assertEquals('H', first);
                    in.readAllBytes();
                    return t;
                }
            });
            Flow f = await(x -> x.http().isPresent() && x.http().get().path().equals("/api/users"));
            String line = CliRunner.run(observer, "observe", "--from-pod", "frontend-pod", "--to-pod", "backend-pod",
                    "--http-path", "^/api/users$", "--type", "l7", "-o", "json");
            assertTrue(line.contains("\"summary\":\"frontend-pod → backend-pod  HTTP GET /api/users  200  Latency: "), line);
            double observed = f.http().get().latency().toNanos(), client = clientNanos;
            assertTrue(Math.abs(observed - client) <= 0.10 * client,
                    "observed " + observed / 1e6 + " ms vs client " + client / 1e6 + " ms");
            assertTrue(observed >= 300e6, "the backend sleeps 300 ms: " + observed / 1e6);
            System.out.println("seed example: " + FlowFormat.summary(f) + "   (client measured " + Math.round(client / 1e6) + " ms)");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void dnsQueryAndAnswerWithLatency() throws Exception {
        DatagramSocket dns = net.backend.call(() -> new DatagramSocket(new InetSocketAddress(net.backendIp, 53)));
        Thread responder = Thread.ofPlatform().start(() -> {
            try (dns) {
                byte[] buf = new byte[512];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                dns.receive(p);
                DnsParser.Message q = DnsParser.parse(buf, p.getLength()).orElseThrow();
                byte[] answer = DnsMessages.response(q.id(), q.name(), 1, 0, InetAddress.getByName("10.96.7.7"));
                dns.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        net.frontend.run(() -> {
            try (DatagramSocket c = new DatagramSocket()) {
                byte[] q = DnsMessages.query(0x4242, "backend.default.svc.cluster.local", 1);
                c.send(new DatagramPacket(q, q.length, new InetSocketAddress(net.backendIp, 53)));
                c.setSoTimeout(3000);
                c.receive(new DatagramPacket(new byte[512], 512));
            }
        });
        responder.join();
        Flow answer = await(x -> x.dns().isPresent() && x.dns().get().response() && x.dns().get().id() == 0x4242);
        assertEquals(List.of(InetAddress.getByName("10.96.7.7")), answer.dns().get().answers());
        assertTrue(answer.latency().toNanos() > 0, answer.toString());
        String json = CliRunner.json(observer, "observe", "--protocol", "dns", "--pod", "frontend-pod");
        assertTrue(json.contains("\"query\":\"backend.default.svc.cluster.local\",\"qtype\":\"A\",\"response\":false"), json);
        assertTrue(json.contains("\"rcode\":\"NOERROR\",\"ips\":[\"10.96.7.7\"]"), json);
        assertEquals(2, Arrays.stream(json.split("\n")).filter(l -> l.contains("\"id\":16962")).count(), json);
    }
}
