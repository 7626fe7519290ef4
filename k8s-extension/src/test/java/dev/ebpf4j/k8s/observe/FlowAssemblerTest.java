package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowAssemblerTest {
    static final EndpointIdentity FRONTEND = new EndpointIdentity("frontend-pod", "default", Map.of("app", "frontend"));
    static final EndpointIdentity BACKEND = new EndpointIdentity("backend-pod", "default", Map.of("app", "backend"));

    final EndpointResolver resolver = a -> switch (a.getHostAddress()) {
        case "10.0.0.1" -> Optional.of(FRONTEND);
        case "10.0.0.2" -> Optional.of(BACKEND);
        default -> Optional.empty();
    };
    final FlowAssembler assembler = new FlowAssembler(new FlowDecoder(resolver, KernelClock.withOffset(0)));
    final FlowEventView view = new FlowEventView();
    final List<Flow> out = new ArrayList<>();

    void feed(EventRecords r) {
        assembler.accept(view.wrap(r.segment()), out::add);
    }

    static EventRecords tcp(String from, int sport, String to, int dport, long ts, long seq, String payload) {
        return EventRecords.of(FlowEventView.KIND_L7, FlowEventView.L7_TCP_PAYLOAD).proto(6).ts(ts).seq(seq)
                .from(from, sport).to(to, dport).payload(payload.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void httpRequestAndResponseBecomeOneFlowWithBothPodsAndLatency() {
        feed(tcp("10.0.0.1", 40000, "10.0.0.2", 8080, 1_000_000_000L, 1, "GET /api/users HTTP/1.1\r\nHost: b\r\n\r\n"));
        assertTrue(out.isEmpty());
        feed(tcp("10.0.0.1", 40000, "10.0.0.2", 8080, 1_000_100_000L, 1, "GET /api/users HTTP/1.1\r\nHost: b\r\n\r\n"));
        feed(tcp("10.0.0.2", 8080, "10.0.0.1", 40000, 1_325_000_000L, 9, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]"));
        assertEquals(1, out.size());
        Flow f = out.get(0);
        assertEquals(FlowType.L7, f.type());
        assertEquals("frontend-pod", f.source().podName());
        assertEquals("backend-pod", f.destination().podName());
        HttpInfo h = f.http().orElseThrow();
        assertEquals("GET", h.method());
        assertEquals("/api/users", h.path());
        assertEquals(200, h.status());
        assertEquals(Duration.ofMillis(325), h.latency());
        assertEquals("frontend-pod → backend-pod  HTTP GET /api/users  200  Latency: 325ms",
                FlowFormat.summary(f));
    }

    @Test
    void dnsQueryAndResponseBothReportedWithLatencyOnTheResponse() throws Exception {
        byte[] q = DnsMessages.query(77, "backend.default.svc.cluster.local", 1);
        byte[] r = DnsMessages.response(77, "backend.default.svc.cluster.local", 1, 0, InetAddress.getByName("10.0.0.2"));
        feed(EventRecords.of(FlowEventView.KIND_L7, FlowEventView.L7_DNS).proto(17).ts(10_000_000)
                .from("10.0.0.1", 5000).to("10.0.0.53", 53).payload(q));
        feed(EventRecords.of(FlowEventView.KIND_L7, FlowEventView.L7_DNS).proto(17).ts(10_500_000)
                .from("10.0.0.1", 5000).to("10.0.0.53", 53).payload(q)); // seen again: not reported twice
        feed(EventRecords.of(FlowEventView.KIND_L7, FlowEventView.L7_DNS).proto(17).ts(12_000_000)
                .from("10.0.0.53", 53).to("10.0.0.1", 5000).payload(r));
        assertEquals(2, out.size());
        DnsInfo query = out.get(0).dns().orElseThrow(), answer = out.get(1).dns().orElseThrow();
        assertEquals("backend.default.svc.cluster.local", query.name());
        assertEquals(Duration.ZERO, query.latency());
        assertTrue(answer.response());
        assertEquals(Duration.ofMillis(2), answer.latency());
        assertEquals(List.of(InetAddress.getByName("10.0.0.2")), answer.answers());
    }

    @Test
    void headerEventsPassStraightThroughAndGarbageIsCounted() {
        feed(EventRecords.of(FlowEventView.KIND_SOCK, 5).proto(6).from("10.0.0.1", 4000).to("10.0.0.2", 9).states(2, 7, 111));
        assertEquals(TcpEvent.REFUSED, out.get(0).tcpEvent());
        feed(tcp("10.0.0.1", 1, "10.0.0.2", 2, 1, 1, "GETTING nothing"));
        assertEquals(1, assembler.unparsedCount());
    }
}
