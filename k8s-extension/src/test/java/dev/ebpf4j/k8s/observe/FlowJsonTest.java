package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.ebpf4j.k8s.observe.Flows.ep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every flow kind renders as valid JSON (checked with Jackson) with the expected fields. */
class FlowJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void httpFlow() {
        Flow f = Flows.http(ep("10.0.0.1", 40000, "default", "frontend-pod"), ep("10.0.0.2", 8080, "default", "backend-pod"),
                "GET", "/api/users?q=\"x\"\\y", 200, 1_700_000_000L);
        JsonNode n = JSON.readTree(FlowJson.toJson(f));
        assertEquals("l7", n.get("type").asString());
        assertEquals("frontend-pod", n.get("source").get("pod_name").asString());
        assertEquals("backend-pod", n.get("destination").get("labels").get("app").asString());
        assertEquals("/api/users?q=\"x\"\\y", n.get("l7").get("http").get("url").asString());
        assertEquals(200, n.get("l7").get("http").get("code").asInt());
        assertEquals(5_000_000, n.get("l7").get("http").get("latency_ns").asLong());
        assertEquals("2023-11-14T22:13:20Z", n.get("time").asString());
    }

    @Test
    void dnsDropSockAndTranslatedFlows() throws Exception {
        FlowEndpoint a = ep("fd00::1", 5353, null, null), b = ep("10.0.0.53", 53, "kube-system", "coredns");
        Flow dns = new Flow(Instant.EPOCH, FlowType.L7, b, a, 17, 0, Verdict.FORWARDED, DropReason.NONE, null,
                TrafficDirection.INGRESS, 2, null, Duration.ofMillis(2), new DnsInfo(7, "x.svc", 28, true, 3,
                List.of(InetAddress.getByName("fd00::9")), Duration.ofMillis(2)));
        JsonNode d = JSON.readTree(FlowJson.toJson(dns));
        assertEquals("NXDOMAIN", d.get("l7").get("dns").get("rcode").asString());
        assertEquals("AAAA", d.get("l7").get("dns").get("qtype").asString());
        assertEquals("fd00::9", d.get("l7").get("dns").get("ips").get(0).asString());
        assertEquals("fd00::1", d.get("destination").get("ip").asString());
        assertFalse(d.get("destination").has("pod_name"));

        JsonNode drop = JSON.readTree(FlowJson.toJson(Flows.drop(a, b, 6, 1)));
        assertEquals("POLICY_DENIED", drop.get("drop_reason").asString());
        assertEquals("SYN", drop.get("tcp_flags").asString());

        JsonNode sock = JSON.readTree(FlowJson.toJson(Flows.sock(a, b, TcpEvent.REFUSED, 1)));
        assertEquals("REFUSED", sock.get("tcp_event").asString());

        Flow nat = new Flow(Instant.EPOCH, FlowType.TRACE, a, b, 6, 0x10, Verdict.TRANSLATED, DropReason.NONE,
                new ServiceTranslation(InetAddress.getByName("10.96.0.10"), 53), TrafficDirection.EGRESS, 1, null,
                Duration.ZERO, null);
        JsonNode t = JSON.readTree(FlowJson.toJson(nat));
        assertEquals("10.96.0.10", t.get("service").get("vip").asString());
        assertEquals(53, t.get("service").get("port").asInt());
    }

    @Test
    void controlCharactersAreEscaped() {
        Flow f = Flows.http(ep("10.0.0.1", 1, "n", "a\u0001b\tc\nd"), ep("10.0.0.2", 2, "n", "b"), "GET", "/", 200, 1);
        JsonNode n = JSON.readTree(FlowJson.toJson(f));
        assertEquals("a\u0001b\tc\nd", n.get("source").get("pod_name").asString());
    }
}
