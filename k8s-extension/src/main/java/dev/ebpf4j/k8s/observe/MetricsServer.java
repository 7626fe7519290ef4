package dev.ebpf4j.k8s.observe;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@link FlowMetrics#scrape()} at {@code /metrics} over HTTP, on the loopback address unless told otherwise
 * (the datapath's internals are not for the network by default). Close to stop.
 */
public final class MetricsServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on 127.0.0.1:{@code port} ({@code 0} picks a free port). */
    public static MetricsServer start(FlowMetrics metrics, int port) {
        return start(metrics, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** Starts on {@code address}. */
    public static MetricsServer start(FlowMetrics metrics, InetSocketAddress address) {
        Objects.requireNonNull(metrics, "metrics");
        try {
            HttpServer server = HttpServer.create(address, 16);
            server.createContext("/metrics", exchange -> {
                try (exchange) {
                    if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                        exchange.sendResponseHeaders(405, -1);
                        return;
                    }
                    byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
                    if (!exchange.getRequestMethod().equals("HEAD")) {
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    }
                }
            });
            ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ebpf4j-metrics");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(executor);
            server.start();
            return new MetricsServer(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException("metrics server on " + address + " failed to start", e);
        }
    }

    /** The bound address (with the actual port when 0 was asked). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
