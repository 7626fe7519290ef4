package dev.ebpf4j.k8s.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

class HealthServerTest {
    @Test
    void probesFollowTheSuppliersAndOnlyTheExactPathsAnswer() throws Exception {
        AtomicBoolean alive = new AtomicBoolean(true), ready = new AtomicBoolean();
        try (HealthServer server = HealthServer.start(0, alive::get, ready::get)) {
            int port = server.port();
            assertEquals(200, status(port, "GET", "/healthz"));
            assertEquals(503, status(port, "GET", "/readyz"));
            ready.set(true);
            assertEquals(200, status(port, "GET", "/readyz"));
            assertEquals(200, status(port, "HEAD", "/readyz"));
            alive.set(false);
            assertEquals(503, status(port, "GET", "/healthz"));
            assertEquals(404, status(port, "GET", "/healthzz"));
            assertEquals(404, status(port, "GET", "/"));
            assertEquals(405, status(port, "POST", "/readyz"));
        }
    }

    @Test
    void aTakenPortIsAClearError() {
        try (HealthServer first = HealthServer.start(0, () -> true, () -> true)) {
            var e = assertThrows(java.io.UncheckedIOException.class, () -> HealthServer.start(first.port(), () -> true, () -> true));
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.port()), e.getMessage());
        }
    }

    /** The HTTP status of {@code method path} on 127.0.0.1:{@code port}. */
    static int status(int port, String method, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        try {
            c.setRequestMethod(method);
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }
}
