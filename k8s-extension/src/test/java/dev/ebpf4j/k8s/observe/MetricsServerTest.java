package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static dev.ebpf4j.k8s.observe.Flows.ep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsServerTest {

    @Test
    void scrapesCountersAndGaugesOverLoopback() throws Exception {
        FlowMetrics m = new FlowMetrics();
        FlowEndpoint a = ep("10.0.0.1", 1, "ns", "a"), b = ep("10.0.0.2", 2, "ns", "b");
        m.record(Flows.http(a, b, "GET", "/", 200, 1));
        m.record(Flows.http(a, b, "GET", "/", 500, 2));
        m.record(Flows.drop(a, b, 6, 3));
        AtomicLong lost = new AtomicLong(7);
        m.lostEvents("observe_events", lost::get);
        m.mapFill(() -> List.of(new FlowMetrics.MapFill("lb_services", 25, 100)));
        m.backendsPerService(() -> Map.of("default/backend:80", 3, "x/\"quoted\":1", 0));
        try (MetricsServer server = MetricsServer.start(m, 0)) {
            assertEquals("127.0.0.1", server.address().getAddress().getHostAddress());
            HttpURLConnection c = open(server);
            assertEquals(200, c.getResponseCode());
            assertTrue(c.getContentType().startsWith("text/plain; version=0.0.4"), c.getContentType());
            String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.contains("ebpf4j_flows_total{type=\"l7\",verdict=\"FORWARDED\"} 2\n"), body);
            assertTrue(body.contains("ebpf4j_flows_total{type=\"drop\",verdict=\"DROPPED\"} 1\n"), body);
            assertTrue(body.contains("ebpf4j_drops_total{reason=\"POLICY_DENIED\"} 1\n"), body);
            assertTrue(body.contains("ebpf4j_drops_total{reason=\"NO_BACKEND\"} 0\n"), body);
            assertTrue(body.contains("ebpf4j_ringbuf_lost_events_total{ring=\"observe_events\"} 7\n"), body);
            assertTrue(body.contains("ebpf4j_map_fill_ratio{map=\"lb_services\"} 0.25\n"), body);
            assertTrue(body.contains("ebpf4j_service_backends{service=\"default/backend:80\"} 3\n"), body);
            assertTrue(body.contains("ebpf4j_service_backends{service=\"x/\\\"quoted\\\":1\"} 0\n"), body);
            lost.set(9);
            String again = new String(open(server).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(again.contains("ebpf4j_ringbuf_lost_events_total{ring=\"observe_events\"} 9\n"), again);
            for (String line : body.split("\n")) {
                assertTrue(line.startsWith("#") || line.matches("ebpf4j_[a-z_]+\\{.*\\} [0-9.]+"), line);
            }
        }
    }

    private static HttpURLConnection open(MetricsServer server) throws Exception {
        return (HttpURLConnection) URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics").toURL().openConnection();
    }
}
