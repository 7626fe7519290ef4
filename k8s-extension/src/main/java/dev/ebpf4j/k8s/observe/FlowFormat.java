package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

/** Human-readable renderings of flows: the one-line summary (the seed's troubleshooting line) and hubble's compact form. */
public final class FlowFormat {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private FlowFormat() {}

    /**
     * The summary line, e.g. {@code frontend-pod → backend-pod  HTTP GET /api/users  200  Latency: 325ms}.
     * Pods are named when the resolver knew them, else {@code ip:port} is shown.
     */
    public static String summary(Flow f) {
        boolean l7 = f.type() == FlowType.L7;
        return side(f.source(), !l7) + " → " + side(f.destination(), !l7) + "  " + describe(f);
    }

    /**
     * Hubble-style compact line: timestamp, endpoints with namespace and port, verdict and details. A Service
     * translation shows the path through the Service, as Hubble does:
     * {@code 10.0.0.5:41234 -> 10.96.0.10:80 (svc) -> default/web-1:8080 TRANSLATED TCP TRANSLATED}.
     */
    public static String compact(Flow f) {
        String via = "";
        if (f.translation() != null) {
            via = Addresses.text(f.translation().vip()) + ":" + f.translation().vipPort() + " (svc) -> ";
        }
        return TIME.format(f.time()) + ": " + f.source().display() + " -> " + via + f.destination().display() + " "
                + f.verdict() + " " + details(f, false);
    }

    /** The details part of a line (everything after the endpoints), naming the Service VIP of a translation. */
    public static String describe(Flow f) {
        return details(f, true);
    }

    private static String details(Flow f, boolean withVip) {
        if (f.l7() instanceof HttpInfo h) {
            return "HTTP " + h.method() + " " + h.path() + "  " + h.status() + "  Latency: " + millis(h.latency());
        }
        if (f.l7() instanceof DnsInfo d) {
            String s = "DNS " + (d.response() ? "answer " : "query ") + d.name() + " " + d.qtypeName();
            if (d.response()) {
                s += " " + d.rcodeName();
                if (!d.answers().isEmpty()) {
                    s += " " + d.answers().stream().map(Addresses::text).collect(Collectors.joining(","));
                }
                s += "  Latency: " + millis(d.latency());
            }
            return s;
        }
        if (f.type() == FlowType.SOCK) {
            String s = "TCP " + f.tcpEvent();
            if (f.tcpEvent() == TcpEvent.ESTABLISHED) s += "  Handshake: " + millis(f.latency());
            return s;
        }
        StringBuilder s = new StringBuilder(f.protocolName());
        if (f.tcpFlags() != 0) s.append(" [").append(f.tcpFlagNames()).append(']');
        s.append(' ').append(f.verdict());
        if (f.verdict() == Verdict.DROPPED) s.append(" (").append(f.dropReason()).append(')');
        if (withVip && f.translation() != null) {
            s.append(" via ").append(Addresses.text(f.translation().vip())).append(':').append(f.translation().vipPort());
        }
        return s.toString();
    }

    /** A latency in milliseconds: integer at 10 ms and above, two decimals below. */
    public static String millis(Duration d) {
        double ms = d.toNanos() / 1e6;
        return ms >= 10 ? Math.round(ms) + "ms" : String.format(Locale.ROOT, "%.2fms", ms);
    }

    private static String side(FlowEndpoint e, boolean withPort) {
        if (e.identity() != null) return withPort && e.port() != 0 ? e.identity().name() + ":" + e.port() : e.identity().name();
        return withPort ? e.display() : Addresses.text(e.address());
    }
}
