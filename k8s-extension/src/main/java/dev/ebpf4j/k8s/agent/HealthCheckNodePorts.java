package dev.ebpf4j.k8s.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.source.ClusterDelta;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each LoadBalancer Service's {@code healthCheckNodePort} (externalTrafficPolicy Local), answered on every address of
 * the node as kube-proxy answers it: {@code 200} with the count of this node's ready endpoints when there is one, else
 * {@code 503}, so that a cloud load balancer sends traffic only to nodes that can serve it locally. Body:
 * {@code {"service":{"namespace":"default","name":"web"},"localEndpoints":2,"serviceProxyHealthy":true}}.
 * One server (one daemon thread) per port; a port no Service names any more is closed. Fed by a source's deltas.
 */
final class HealthCheckNodePorts implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HealthCheckNodePorts.class.getName());

    /** What one port reports. */
    record Answer(ServiceName service, int localEndpoints) {
    }

    private final String node;
    private final Map<Integer, HttpServer> servers = new HashMap<>();
    private final Map<ServiceName, Integer> portOf = new HashMap<>();
    private final Map<Integer, Answer> answers = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean closed;

    HealthCheckNodePorts(String node) {
        this.node = node;
    }

    /** Applies what changed: new ports are served, counts updated, ports of removed Services closed. */
    synchronized void update(ClusterDelta delta) {
        if (closed) return;
        Set<ServiceName> listed = new HashSet<>();
        for (ClusterDelta.ServiceChange c : delta.changes()) {
            listed.add(c.name());
            int port = c.service().map(Service::healthCheckNodePort).orElse(0);
            Integer old = portOf.get(c.name());
            if (old != null && old != port) stop(c.name(), old);
            if (port == 0) continue;
            answers.put(port, new Answer(c.name(), localEndpoints(c.slices())));
            if (old == null || old != port) serve(c.name(), port);
        }
        if (delta.full()) {
            for (var e : List.copyOf(portOf.entrySet())) if (!listed.contains(e.getKey())) stop(e.getKey(), e.getValue());
        }
    }

    /** The answer for a port (tests and status). */
    Map<Integer, Answer> answers() {
        return Map.copyOf(answers);
    }

    /** Ready endpoints on this node, per address family; dual-stack Services list each endpoint in two slices. */
    int localEndpoints(List<EndpointSlice> slices) {
        Map<AddressType, Set<Object>> byFamily = new EnumMap<>(AddressType.class);
        for (EndpointSlice s : slices) {
            for (Endpoint e : s.endpoints()) {
                boolean ready = e.conditions().ready() && !e.conditions().terminating();
                if (ready && e.nodeName().map(node::equals).orElse(false)) {
                    byFamily.computeIfAbsent(s.addressType(), k -> new HashSet<>()).add(e.addresses());
                }
            }
        }
        return byFamily.values().stream().mapToInt(Set::size).max().orElse(0);
    }

    private void serve(ServiceName svc, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
            server.createContext("/", this::answer);
            server.start();
            servers.put(port, server);
            portOf.put(svc, port);
            LOG.log(System.Logger.Level.INFO, "health check node port " + port + " for " + svc);
        } catch (IOException e) {
            // One Service's port in use must not stop the others: say which, and keep going.
            answers.remove(port);
            LOG.log(System.Logger.Level.WARNING, "cannot serve healthCheckNodePort " + port + " of " + svc + ": " + e.getMessage());
        }
    }

    private void stop(ServiceName svc, int port) {
        portOf.remove(svc);
        answers.remove(port);
        HttpServer server = servers.remove(port);
        if (server != null) server.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        try (ex) {
            Answer a = answers.get(ex.getLocalAddress().getPort());
            int status = a != null && a.localEndpoints() > 0 ? 200 : 503;
            String body = a == null ? "{\"serviceProxyHealthy\":true}\n"
                    : "{\"service\":{\"namespace\":\"" + a.service().namespace() + "\",\"name\":\"" + a.service().name()
                    + "\"},\"localEndpoints\":" + a.localEndpoints() + ",\"serviceProxyHealthy\":true}\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Closes every port. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (HttpServer s : servers.values()) s.stop(0);
        servers.clear();
        portOf.clear();
        answers.clear();
    }
}
