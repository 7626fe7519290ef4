package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Flow fixtures for filter and output tests. */
final class Flows {
    private Flows() {}

    static FlowEndpoint ep(String ip, int port, String ns, String pod) {
        try {
            return new FlowEndpoint(InetAddress.getByName(ip), port,
                    pod == null ? null : new EndpointIdentity(pod, ns, Map.of("app", pod)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Flow http(FlowEndpoint src, FlowEndpoint dst, String method, String path, int status, long t) {
        return new Flow(Instant.ofEpochSecond(t), FlowType.L7, src, dst, 6, 0, Verdict.FORWARDED, DropReason.NONE,
                null, TrafficDirection.EGRESS, 3, null, Duration.ofMillis(5),
                new HttpInfo(method, path, "HTTP/1.1", status, Duration.ofMillis(5)));
    }

    static Flow drop(FlowEndpoint src, FlowEndpoint dst, int proto, long t) {
        return new Flow(Instant.ofEpochSecond(t), FlowType.DROP, src, dst, proto, 0x02, Verdict.DROPPED,
                DropReason.POLICY_DENIED, null, TrafficDirection.INGRESS, 4, null, Duration.ZERO, null);
    }

    static Flow sock(FlowEndpoint src, FlowEndpoint dst, TcpEvent event, long t) {
        return new Flow(Instant.ofEpochSecond(t), FlowType.SOCK, src, dst, 6, 0, Verdict.FORWARDED, DropReason.NONE,
                null, TrafficDirection.UNKNOWN, 0, event, Duration.ofMillis(1), null);
    }

    static Flow dns(FlowEndpoint src, FlowEndpoint dst, String name, long t) {
        return new Flow(Instant.ofEpochSecond(t), FlowType.L7, src, dst, 17, 0, Verdict.FORWARDED, DropReason.NONE,
                null, TrafficDirection.EGRESS, 3, null, Duration.ZERO,
                new DnsInfo(1, name, 1, false, 0, java.util.List.of(), Duration.ZERO));
    }
}
