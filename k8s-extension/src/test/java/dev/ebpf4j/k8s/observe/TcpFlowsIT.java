package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.cli.CliRunner;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TCP lifecycle flows from real connections between two namespaces, read back through the CLI's JSON output. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class TcpFlowsIT {
    static ObserveTopology net;
    static DatapathObserver observer;

    @BeforeAll
    static void start() throws Exception {
        net = new ObserveTopology("e4j-obs");
        observer = DatapathObserver.builder().resolver(net.resolver)
                .objects(() -> BpfObject.open(ObserveObjects.compile("observe_tcp")),
                        () -> BpfObject.open(ObserveObjects.compile("observe_l7")))
                .start();
    }

    @AfterAll
    static void stop() {
        try {
            if (observer != null) observer.close();
        } finally {
            if (net != null) net.close();
        }
    }

    /** Waits for a flow of ours matching {@code want} (up to 5 s). */
    static Flow await(Predicate<Flow> want) throws InterruptedException {
        long until = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < until) {
            for (Flow f : observer.history().last(0, FlowFilter.all())) if (net.ours(f) && want.test(f)) return f;
            Thread.sleep(20);
        }
        throw new AssertionError("no such flow; ours: " + observer.history().last(0, FlowFilter.all()).stream().filter(net::ours).map(FlowFormat::summary).toList());
    }

    @Test
    void establishedWithPlausibleHandshakeLatencyThenClose() throws Exception {
        ServerSocket server = net.backend.call(() -> new ServerSocket(8080, 8, java.net.InetAddress.getByName(net.backendIp)));
        try (server) {
            Thread acceptor = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read();
                } catch (IOException ignored) {
                }
            });
            long measured = net.frontend.call(() -> {
                try (Socket c = new Socket()) {
                    long t0 = System.nanoTime();
                    c.connect(new InetSocketAddress(net.backendIp, 8080));
                    long t = System.nanoTime() - t0;
                    c.getOutputStream().write(1);
                    return t;
                }
            });
            acceptor.join();
            Flow est = await(f -> f.tcpEvent() == TcpEvent.ESTABLISHED && f.destination().port() == 8080);
            assertEquals("frontend-pod", est.source().podName());
            assertEquals("backend-pod", est.destination().podName());
            assertTrue(est.latency().toNanos() > 0 && est.latency().toNanos() <= measured,
                    "handshake " + est.latency() + " vs client-measured connect " + measured + " ns");
            await(f -> f.tcpEvent() == TcpEvent.CONNECT && f.destination().port() == 8080);
            await(f -> f.tcpEvent() == TcpEvent.ACCEPTED && f.source().port() == 8080);
            await(f -> f.tcpEvent() == TcpEvent.CLOSE && f.destination().port() == 8080);
            String json = CliRunner.json(observer, "observe", "--type", "sock", "--to-pod", "default/backend-pod", "--port", "8080");
            assertTrue(json.contains("\"tcp_event\":\"ESTABLISHED\""), json);
            assertTrue(json.contains("\"pod_name\":\"frontend-pod\""), json);
        }
    }

    @Test
    void refusedWhenNothingListens() throws Exception {
        net.frontend.run(() -> assertThrows(ConnectException.class, () -> {
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(net.backendIp, 9));
            }
        }));
        Flow f = await(x -> x.tcpEvent() == TcpEvent.REFUSED && x.destination().port() == 9);
        assertEquals("frontend-pod", f.source().podName());
        String json = CliRunner.json(observer, "observe", "--type", "sock", "--port", "9");
        assertTrue(json.contains("\"tcp_event\":\"REFUSED\""), json);
    }

    @Test
    void resetWhenThePeerAborts() throws Exception {
        ServerSocket server = net.backend.call(() -> new ServerSocket(8081, 8, java.net.InetAddress.getByName(net.backendIp)));
        try (server) {
            Thread acceptor = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    s.setSoLinger(true, 0); // close sends RST
                } catch (IOException ignored) {
                }
            });
            net.frontend.run(() -> {
                try (Socket c = new Socket()) {
                    c.connect(new InetSocketAddress(net.backendIp, 8081));
                    acceptor.join();
                    c.setSoTimeout(2000);
                    assertThrows(IOException.class, () -> c.getInputStream().read());
                }
            });
            await(f -> f.tcpEvent() == TcpEvent.RESET && f.destination().port() == 8081);
        }
    }

    @Test
    void timeoutAndRetransmitsWhenSynsAreDropped() throws Exception {
        net.frontend.exec("sysctl", "-w", "net.ipv4.tcp_syn_retries=1");
        net.backend.exec("iptables", "-A", "INPUT", "-p", "tcp", "--dport", "7777", "-j", "DROP");
        net.frontend.run(() -> {
            try (Socket c = new Socket()) {
                IOException e = assertThrows(IOException.class, () -> c.connect(new InetSocketAddress(net.backendIp, 7777)));
                assertTrue(e instanceof ConnectException || e instanceof SocketTimeoutException, e.toString());
            }
        });
        await(f -> f.tcpEvent() == TcpEvent.TIMEOUT && f.destination().port() == 7777);
        await(f -> f.tcpEvent() == TcpEvent.RETRANSMIT && f.destination().port() == 7777);
        String json = CliRunner.json(observer, "observe", "--type", "sock", "--port", "7777", "--last", "50");
        assertTrue(json.contains("\"tcp_event\":\"TIMEOUT\"") && json.contains("\"tcp_event\":\"RETRANSMIT\""), json);
    }
}
