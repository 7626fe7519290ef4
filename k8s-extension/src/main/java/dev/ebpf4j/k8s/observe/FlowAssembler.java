package dev.ebpf4j.k8s.observe;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Turns datapath events into flows: header-only events decode directly; L7 payload events are parsed (HTTP, DNS) and
 * matched, producing one HTTP flow per request/response pair and one DNS flow per query and per response.
 * Not thread-safe: feed it from the ring buffer reader thread.
 */
public final class FlowAssembler {
    private final FlowDecoder decoder;
    private final HttpMatcher http;
    private final DnsMatcher dns;
    private final byte[] payload = new byte[FlowEventView.PAYLOAD_MAX];
    private long unparsed;

    /** An assembler with default matcher bounds. */
    public FlowAssembler(FlowDecoder decoder) {
        this(decoder, new HttpMatcher(), new DnsMatcher());
    }

    /** An assembler with the given matchers. */
    public FlowAssembler(FlowDecoder decoder, HttpMatcher http, DnsMatcher dns) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.http = Objects.requireNonNull(http, "http");
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** Processes one event, passing the flows it completes (zero, one or two) to {@code out}. */
    public void accept(FlowEventView event, Consumer<? super Flow> out) {
        if (event.kind() != FlowEventView.KIND_L7) {
            out.accept(decoder.decode(event));
            return;
        }
        int n = event.copyPayload(payload);
        if (event.subtype() == FlowEventView.L7_DNS) {
            dns(event, n, out);
        } else {
            http(event, n, out);
        }
    }

    /** L7 payloads that were neither HTTP nor DNS (the kernel heuristic matched, the parser did not). */
    public long unparsedCount() {
        return unparsed;
    }

    /** The HTTP matcher (for pending/discarded counts). */
    public HttpMatcher httpMatcher() {
        return http;
    }

    private void http(FlowEventView e, int n, Consumer<? super Flow> out) {
        Optional<HttpParser.Request> req = HttpParser.parseRequest(payload, n);
        if (req.isPresent()) {
            FlowEndpoint src = decoder.source(e), dst = decoder.destination(e);
            http.request(new ConnectionKey(src.address(), src.port(), dst.address(), dst.port()),
                    e.tcpSequence(), e.timestampNanos(), req.get());
            return;
        }
        Optional<HttpParser.Response> resp = HttpParser.parseResponse(payload, n);
        if (resp.isEmpty()) {
            unparsed++;
            return;
        }
        FlowEndpoint server = decoder.source(e), client = decoder.destination(e);
        ConnectionKey key = new ConnectionKey(client.address(), client.port(), server.address(), server.port());
        http.response(key, e.tcpSequence(), e.timestampNanos(), resp.get()).ifPresent(x -> {
            Duration latency = Duration.ofNanos(x.latencyNanos());
            HttpInfo info = new HttpInfo(x.request().method(), x.request().target(), x.request().version(),
                    x.response().status(), latency);
            out.accept(new Flow(decoder.clock().toInstant(x.requestNanos()), FlowType.L7, client, server,
                    e.protocol(), 0, Verdict.FORWARDED, DropReason.NONE, null, TrafficDirection.of(e.direction()),
                    e.ifindex(), null, latency, info));
        });
    }

    private void dns(FlowEventView e, int n, Consumer<? super Flow> out) {
        Optional<DnsParser.Message> parsed = DnsParser.parse(payload, n);
        if (parsed.isEmpty()) {
            unparsed++;
            return;
        }
        DnsParser.Message m = parsed.get();
        FlowEndpoint src = decoder.source(e), dst = decoder.destination(e);
        Duration latency = Duration.ZERO;
        if (m.response()) {
            ConnectionKey key = new ConnectionKey(dst.address(), dst.port(), src.address(), src.port());
            OptionalLong t = dns.response(key, m.id(), e.timestampNanos());
            if (t.isPresent()) latency = Duration.ofNanos(e.timestampNanos() - t.getAsLong());
        } else if (!dns.query(new ConnectionKey(src.address(), src.port(), dst.address(), dst.port()), m.id(),
                e.timestampNanos())) {
            return; // the same query seen again (second capture point or retry)
        }
        DnsInfo info = new DnsInfo(m.id(), m.name(), m.qtype(), m.response(), m.rcode(), m.answers(), latency);
        out.accept(new Flow(decoder.clock().toInstant(e.timestampNanos()), FlowType.L7, src, dst, e.protocol(), 0,
                Verdict.FORWARDED, DropReason.NONE, null, TrafficDirection.of(e.direction()), e.ifindex(), null,
                latency, info));
    }
}
