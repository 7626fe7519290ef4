package dev.ebpf4j.samples.tcptracer;

import dev.ebpf4j.k8s.observe.Flow;
import dev.ebpf4j.k8s.observe.TcpEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tracer saw for the demo's connections.
 *
 * @param attempts the connections as the client made them
 * @param flows    the socket flows between the demo's two pods, in arrival order
 */
public record Trace(List<Connections.Attempt> attempts, List<Flow> flows) {

    static String line(Flow f) {
        String latency = f.tcpEvent() == TcpEvent.ESTABLISHED ? "  handshake " + micros(f.latency()) : "";
        // A connect is traced on the way to SYN_SENT, before the kernel has picked the client's port.
        String sourcePort = f.source().port() == 0 ? "*" : Integer.toString(f.source().port());
        return "%-11s %s:%s -> %s:%d%s".formatted(f.tcpEvent(), f.source().podName(), sourcePort,
                f.destination().podName(), f.destination().port(), latency);
    }

    private static String micros(Duration d) {
        return "%.0f µs".formatted(d.toNanos() / 1e3);
    }

    /** Waits until no check fails or {@code millis} pass (events arrive through a ring buffer, a little later). */
    void awaitComplete(long millis) throws InterruptedException {
        long until = System.nanoTime() + millis * 1_000_000;
        while (!problems().isEmpty() && System.nanoTime() < until) Thread.sleep(20);
    }

    /** The client's side of a connection after connect: events whose source is the client's port. */
    public List<TcpEvent> eventsOf(int clientPort) {
        return flows.stream().filter(f -> f.source().port() == clientPort).map(Flow::tcpEvent).toList();
    }

    /** The handshake latency the tracer measured for a connection, zero if none. */
    public Duration handshake(int clientPort) {
        return flows.stream().filter(f -> f.source().port() == clientPort && f.tcpEvent() == TcpEvent.ESTABLISHED)
                .map(Flow::latency).findFirst().orElse(Duration.ZERO);
    }

    /** Failed checks, empty when every connection was traced. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        // CONNECT events carry no client port yet (see line()), so they are matched by count per server port.
        for (int port : attempts.stream().map(Connections.Attempt::remotePort).distinct().toList()) {
            long tried = attempts.stream().filter(a -> a.remotePort() == port).count();
            long connects = flows.stream().filter(f -> f.tcpEvent() == TcpEvent.CONNECT && f.destination().port() == port).count();
            if (connects != tried) p.add(tried + " connects to port " + port + " but " + connects + " CONNECT events");
        }
        for (Connections.Attempt a : attempts) {
            if (a.refused()) {
                boolean seen = flows.stream().anyMatch(f -> f.tcpEvent() == TcpEvent.REFUSED && f.destination().port() == a.remotePort());
                if (!seen) p.add("no REFUSED event for the connection to port " + a.remotePort());
                continue;
            }
            List<TcpEvent> events = eventsOf(a.localPort());
            for (TcpEvent want : List.of(TcpEvent.ESTABLISHED, TcpEvent.CLOSE)) {
                if (!events.contains(want)) p.add("connection from port " + a.localPort() + ": no " + want + " in " + events);
            }
            long hs = handshake(a.localPort()).toNanos();
            if (events.contains(TcpEvent.ESTABLISHED) && (hs <= 0 || hs > a.connectNanos())) {
                p.add("connection from port " + a.localPort() + ": handshake " + hs + " ns outside (0, connect() time "
                        + a.connectNanos() + " ns]");
            }
        }
        return p;
    }
}
