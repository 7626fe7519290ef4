package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.ClusterFlows;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code observe --cluster}: the flows of every node's agent, merged by time (the agents serve them with
 * {@code --flows-port}); the peers are given with {@code --peer} or found as the InternalIP of every Node in the API.
 */
final class ClusterObserve {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("MMM d HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private ClusterObserve() {
    }

    /** The peers: {@code given}, else every Node's InternalIP (IPv4 first) at {@code port}. */
    static List<String> peers(List<String> given, int port) {
        if (!given.isEmpty()) return given;
        List<String> peers = new ArrayList<>();
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            for (var node : client.nodes().list().getItems()) {
                var addresses = node.getStatus() == null ? null : node.getStatus().getAddresses();
                if (addresses == null) continue;
                addresses.stream().filter(a -> "InternalIP".equals(a.getType())).map(a -> InetAddress.ofLiteral(a.getAddress()))
                        .sorted((a, b) -> Boolean.compare(a instanceof Inet6Address, b instanceof Inet6Address)).findFirst()
                        .ifPresent(a -> peers.add((a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress()) + ":" + port));
            }
        }
        return peers;
    }

    /** The observe options as peer query parameters (the peers apply them). */
    static Map<String, List<String>> query(ObserveCommand o) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        put(q, "from-pod", o.fromPod);
        put(q, "to-pod", o.toPod);
        put(q, "pod", o.pod);
        put(q, "namespace", o.namespace);
        put(q, "ip", o.ip);
        put(q, "port", o.port.stream().map(String::valueOf).toList());
        put(q, "protocol", o.protocol);
        put(q, "verdict", o.verdict);
        put(q, "type", o.type);
        put(q, "http-method", o.httpMethod);
        put(q, "http-path", o.httpPath);
        put(q, "http-status", o.httpStatus);
        return q;
    }

    private static void put(Map<String, List<String>> q, String key, List<String> values) {
        if (!values.isEmpty()) q.put(key, values);
    }

    static String format(ClusterFlows.Line line, ObserveCommand.Output output) {
        return output == ObserveCommand.Output.json ? line.json() : TIME.format(line.time()) + " " + line.node() + ": " + line.summary();
    }

    static int run(ObserveCommand o, Terminal t) throws Exception {
        if (o.since != null || !o.interfaces.isEmpty() || !o.rings.isEmpty() || o.metricsPort != null) {
            t.err().println("error: --cluster reads the agents' flows: --since, --interface, --ring and --metrics-port do not apply");
            return 2;
        }
        List<String> peers = peers(o.peers, o.peerPort);
        if (peers.isEmpty()) {
            t.err().println("error: no peers: give --peer HOST:PORT, or a kubeconfig whose API lists Nodes with an InternalIP");
            return 1;
        }
        Map<String, List<String>> q = query(o);
        List<ClusterFlows.Line> history = List.of();
        if (!o.follow || o.last != null) {
            try {
                history = ClusterFlows.last(peers, q, o.last != null ? o.last : 20, Duration.ofSeconds(5));
            } catch (IOException e) {
                t.err().println("error: " + e.getMessage());
                return 1;
            }
        }
        for (ClusterFlows.Line l : history) t.out().println(format(l, o.output));
        t.out().flush();
        if (o.follow) {
            long deadline = o.timeout == null ? Long.MAX_VALUE : System.nanoTime() + Durations.parse(o.timeout).toNanos();
            try (AutoCloseable f = ClusterFlows.follow(peers, q, Duration.ofMillis(300), l -> {
                synchronized (t) {
                    t.out().println(format(l, o.output));
                    t.out().flush();
                }
            }, e -> t.err().println("warning: " + e))) {
                while (System.nanoTime() < deadline) Thread.sleep(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        }
        return 0;
    }
}
