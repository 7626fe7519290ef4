package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.util.Map;

/**
 * Writes a flow as one JSON object (one line), with field names in the spirit of Hubble's JSON output. Hand-written
 * to keep the writer allocation-light and dependency-free.
 */
public final class FlowJson {
    private FlowJson() {}

    /** The flow as a single-line JSON object. */
    public static String toJson(Flow f) {
        StringBuilder b = new StringBuilder(256).append('{');
        field(b, "time", f.time().toString()).append(',');
        field(b, "type", f.type().label()).append(',');
        field(b, "verdict", f.verdict().name()).append(',');
        if (f.verdict() == Verdict.DROPPED) field(b, "drop_reason", f.dropReason().name()).append(',');
        b.append("\"source\":");
        endpoint(b, f.source()).append(",\"destination\":");
        endpoint(b, f.destination()).append(',');
        field(b, "protocol", f.protocolName()).append(',');
        if (f.tcpFlags() != 0) field(b, "tcp_flags", f.tcpFlagNames()).append(',');
        field(b, "direction", f.direction().name()).append(',');
        b.append("\"ifindex\":").append(f.ifindex());
        if (f.translation() != null) {
            b.append(",\"service\":{");
            field(b, "vip", Addresses.text(f.translation().vip())).append(",\"port\":").append(f.translation().vipPort()).append('}');
        }
        if (f.tcpEvent() != null) b.append(',').append('"').append("tcp_event\":\"").append(f.tcpEvent()).append('"');
        b.append(",\"latency_ns\":").append(f.latency().toNanos());
        if (f.l7() instanceof HttpInfo h) {
            b.append(",\"l7\":{\"http\":{");
            field(b, "method", h.method()).append(',');
            field(b, "url", h.path()).append(',');
            field(b, "protocol", h.version()).append(",\"code\":").append(h.status())
                    .append(",\"latency_ns\":").append(h.latency().toNanos()).append("}}");
        } else if (f.l7() instanceof DnsInfo d) {
            b.append(",\"l7\":{\"dns\":{\"id\":").append(d.id()).append(',');
            field(b, "query", d.name()).append(',');
            field(b, "qtype", d.qtypeName()).append(",\"response\":").append(d.response());
            if (d.response()) {
                b.append(',');
                field(b, "rcode", d.rcodeName()).append(",\"ips\":[");
                for (int i = 0; i < d.answers().size(); i++) {
                    if (i > 0) b.append(',');
                    quote(b, Addresses.text(d.answers().get(i)));
                }
                b.append(']');
            }
            b.append(",\"latency_ns\":").append(d.latency().toNanos()).append("}}");
        }
        b.append(",\"summary\":");
        quote(b, FlowFormat.summary(f));
        return b.append('}').toString();
    }

    private static StringBuilder endpoint(StringBuilder b, FlowEndpoint e) {
        b.append('{');
        field(b, "ip", addr(e.address())).append(",\"port\":").append(e.port());
        if (e.identity() != null) {
            b.append(',');
            field(b, "pod_name", e.identity().name()).append(',');
            field(b, "namespace", e.identity().namespace()).append(",\"labels\":{");
            boolean first = true;
            for (Map.Entry<String, String> l : new java.util.TreeMap<>(e.identity().labels()).entrySet()) {
                if (!first) b.append(',');
                first = false;
                field(b, l.getKey(), l.getValue());
            }
            b.append('}');
        }
        return b.append('}');
    }

    private static String addr(InetAddress a) {
        return Addresses.text(a);
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        quote(b, name);
        b.append(':');
        return quote(b, value);
    }

    /** Appends {@code s} as a JSON string literal. */
    public static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"');
    }
}
