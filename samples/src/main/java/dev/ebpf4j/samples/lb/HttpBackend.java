package dev.ebpf4j.samples.lb;

import com.sun.net.httpserver.HttpServer;
import dev.ebpf4j.testkit.NetNamespace;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A backend pod's HTTP server on port 8080 that answers with its own name. */
final class HttpBackend {
    private HttpBackend() {}

    /** Binds inside the pod's namespace (the socket belongs to the namespace of the thread that made it). */
    static AutoCloseable start(NetNamespace pod, String ip, String name) {
        HttpServer server = pod.call(() -> HttpServer.create(new InetSocketAddress(ip, 8080), 64));
        ExecutorService executor = Executors.newFixedThreadPool(2);
        byte[] body = (name + "\n").getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(executor);
        server.start();
        return () -> {
            server.stop(0);
            executor.shutdownNow();
        };
    }
}
