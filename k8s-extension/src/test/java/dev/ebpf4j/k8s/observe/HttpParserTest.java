package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpParserTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Optional<HttpParser.Request> req(String s) {
        return HttpParser.parseRequest(b(s), s.length());
    }

    static Optional<HttpParser.Response> resp(String s) {
        return HttpParser.parseResponse(b(s), s.length());
    }

    @Test
    void parsesRequestLine() {
        var r = req("GET /api/users?id=1 HTTP/1.1\r\nHost: backend\r\n\r\n").orElseThrow();
        assertEquals("GET", r.method());
        assertEquals("/api/users?id=1", r.target());
        assertEquals("HTTP/1.1", r.version());
        assertEquals("POST", req("POST /x HTTP/1.0\r\n").orElseThrow().method());
        assertEquals("OPTIONS", req("OPTIONS * HTTP/1.1\r\n").orElseThrow().method());
    }

    @Test
    void requestCapturedRightAfterTheVersionStillParses() {
        assertTrue(req("DELETE /a HTTP/1.1").isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GET", "GET ", "GET / HTTP/1.1x", "GET /  HTTP/1.1\r\n", "get / HTTP/1.1\r\n",
            "FETCH / HTTP/1.1\r\n", "GET / HTTP/2.0\r\n", "GET / HTTP/1.1\n", "GET /a\tb HTTP/1.1\r\n",
            "HTTP/1.1 200 OK\r\n", "GETX / HTTP/1.1\r\n", "GET / HTTP/1.", "PRI * HTTP/2.0\r\n"})
    void rejectsNonRequests(String s) {
        assertEquals(Optional.empty(), req(s));
    }

    @Test
    void parsesStatusLine() {
        assertEquals(new HttpParser.Response("HTTP/1.1", 200), resp("HTTP/1.1 200 OK\r\n").orElseThrow());
        assertEquals(503, resp("HTTP/1.0 503 Service Unavailable\r\n").orElseThrow().status());
        assertEquals(204, resp("HTTP/1.1 204\r\n").orElseThrow().status());
        assertEquals(404, resp("HTTP/1.1 404").orElseThrow().status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "HTTP/1.1", "HTTP/1.1 20", "HTTP/1.1 2x0 OK", "HTTP/1.1 099 X", "HTTP/2 200 OK",
            "HTTP/1.1 2000 OK", "http/1.1 200 OK", "HTTP/1.1  200 OK", "GET / HTTP/1.1\r\n"})
    void rejectsNonResponses(String s) {
        assertEquals(Optional.empty(), resp(s));
    }

    @Test
    void lengthBoundsTheInput() {
        byte[] data = b("GET / HTTP/1.1\r\n");
        assertEquals(Optional.empty(), HttpParser.parseRequest(data, 5));
        assertTrue(HttpParser.parseRequest(data, 1000).isPresent());
        assertEquals(Optional.empty(), HttpParser.parseRequest(data, -3));
    }
}
