package dev.ebpf4j.k8s.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The agent's probe endpoints on 127.0.0.1 (the pod uses the host network, so nothing else on the node's addresses
 * should see them): {@code /healthz} answers 200 while {@code alive} holds, {@code /readyz} 200 while {@code ready}
 * holds, and 503 otherwise, with the reason in the body; {@code /metrics} serves the agent's Prometheus text. Kubelet
 * probes from the node itself, so loopback is enough.
 */
final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Binds 127.0.0.1:{@code port} (0: any free port) and starts serving on one daemon thread.
     *
     * @throws UncheckedIOException when the port cannot be bound (the message names it)
     */
    static HealthServer start(int port, BooleanSupplier alive, BooleanSupplier ready) {
        return start(port, alive, () -> ready.getAsBoolean() ? java.util.Optional.empty() : java.util.Optional.of("first sync not applied yet"),
                () -> "");
    }

    /**
     * Like {@link #start(int, BooleanSupplier, BooleanSupplier)}, with the reason the agent is not ready (empty when
     * it is) and the {@code /metrics} text.
     */
    static HealthServer start(int port, BooleanSupplier alive, java.util.function.Supplier<java.util.Optional<String>> notReady,
                              java.util.function.Supplier<String> metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve health endpoints on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        server.createContext("/healthz", ex -> answer(ex, alive.getAsBoolean(), "alive", "datapath not open"));
        server.createContext("/readyz", ex -> {
            java.util.Optional<String> reason = notReady.get();
            answer(ex, reason.isEmpty(), "ready", reason.orElse(""));
        });
        server.createContext("/metrics", ex -> answer(ex, true, metrics.get(), ""));
        server.setExecutor(null);
        server.start();
        return new HealthServer(server);
    }

    private static void answer(HttpExchange ex, boolean ok, String yes, String no) throws IOException {
        try (ex) {
            // Contexts match by prefix: /healthzfoo is not the probe.
            String path = ex.getRequestURI().getPath();
            if (!path.equals(ex.getHttpContext().getPath())) {
                send(ex, 404, "not found\n");
            } else if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "method not allowed\n");
            } else {
                String body = ok ? yes : no;
                send(ex, ok ? 200 : 503, body.endsWith("\n") ? body : body + "\n");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The bound port. */
    int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving at once. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
    }
}
