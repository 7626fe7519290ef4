package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone CLI starts the datapath itself: observe, monitor and net show against real traffic in a namespace. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class StandaloneCliIT {

    static CliRun standalone(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        Terminal t = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        int exit = Ebpf4jCli.run(CliContext.standalone(t), args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Refused connections to 127.0.0.1:9 inside {@code ns}, repeated until {@code stop}. */
    static Thread refuseLoop(NetNamespace ns, int port, AtomicBoolean stop) {
        return Thread.ofPlatform().start(() -> ns.run(() -> {
            while (!stop.get()) {
                try (Socket s = new Socket()) {
                    assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", port)));
                }
                Thread.sleep(50);
            }
        }));
    }

    @Test
    void observeFollowsSocketFlowsAsJson() throws Exception {
        try (NetNamespace ns = NetNamespace.create("e4j-obs-cli")) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread traffic = refuseLoop(ns, 9, stop);
            try {
                CliRun r = standalone("observe", "--type", "sock", "--port", "9", "--ip", "127.0.0.1", "--timeout", "3s", "-o", "json");
                assertEquals(0, r.exit(), r.err());
                assertTrue(r.out().contains("\"tcp_event\":\"REFUSED\""), r.out());
                assertTrue(r.out().lines().allMatch(l -> l.contains("\"port\":9")), r.out());
            } finally {
                stop.set(true);
                traffic.join();
            }
        }
    }

    @Test
    void observeServesMetricsWhileRunning() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (NetNamespace ns = NetNamespace.create("e4j-obs-met")) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread traffic = refuseLoop(ns, 9, stop);
            java.util.concurrent.atomic.AtomicReference<CliRun> result = new java.util.concurrent.atomic.AtomicReference<>();
            Thread cli = Thread.ofPlatform().start(() -> result.set(standalone("observe", "--type", "sock", "--timeout", "5s",
                    "--metrics-port", Integer.toString(port), "-o", "json")));
            try {
                String body = "";
                long until = System.nanoTime() + 4_000_000_000L;
                while (System.nanoTime() < until && !body.matches("(?s).*ebpf4j_flows_total\\{type=\"sock\",verdict=\"FORWARDED\"\\} [1-9].*")) {
                    Thread.sleep(200);
                    try {
                        var c = (java.net.HttpURLConnection) java.net.URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
                        body = new String(c.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    } catch (java.io.IOException notYet) {
                        // the CLI is still starting the observer
                    }
                }
                assertTrue(body.contains("ebpf4j_ringbuf_lost_events_total{ring=\"observe_events\"}"), body);
                assertTrue(body.matches("(?s).*ebpf4j_flows_total\\{type=\"sock\",verdict=\"FORWARDED\"\\} [1-9].*"), body);
            } finally {
                cli.join();
                stop.set(true);
                traffic.join();
            }
            assertEquals(0, result.get().exit(), result.get().err());
            assertTrue(result.get().err().contains("metrics on http://127.0.0.1:" + port + "/metrics"), result.get().err());
        }
    }

    @Test
    void monitorPrintsRawEvents() throws Exception {
        try (NetNamespace ns = NetNamespace.create("e4j-obs-mon")) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread traffic = refuseLoop(ns, 9, stop);
            try {
                CliRun r = standalone("monitor", "--count", "3", "--timeout", "5s");
                assertEquals(0, r.exit(), r.err());
                assertEquals(3, r.out().lines().count(), r.out());
                assertTrue(r.out().lines().allMatch(l -> l.matches("\\d+ \\S+ +sub=\\d+ .* proto=\\d+ .*payload=\\d+")), r.out());
            } finally {
                stop.set(true);
                traffic.join();
            }
        }
    }

    @Test
    void netShowListsTcxAttachments() throws Exception {
        try (NetNamespace ns = NetNamespace.create("e4j-obs-net")) {
            ns.ip("link", "add", "obs0", "type", "veth", "peer", "name", "obs1");
            ns.ip("link", "set", "obs0", "up");
            CliRun r = ns.call(() -> standaloneNetShowWhileAttached());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().matches("(?s).*obs0\\(\\d+\\) +tcx/ingress +observe_l7_ingr +\\d+ +link \\d+ +position \\d+\n.*"), r.out());
            assertTrue(r.out().matches("(?s).*obs0\\(\\d+\\) +tcx/egress +observe_l7_egre +\\d+ +link \\d+ +position \\d+\n.*"), r.out());
        }
    }

    /** Attaches the L7 programs to obs0 (this thread's namespace) and runs net show while they are attached. */
    private static CliRun standaloneNetShowWhileAttached() {
        try (var observer = dev.ebpf4j.k8s.observe.DatapathObserver.builder().start()) {
            observer.attachL7("obs0");
            return CliRun.run("net", "show");
        }
    }
}
