package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpMatcherTest {
    static final ConnectionKey C1 = key(40000), C2 = key(40001);
    static final HttpParser.Request GET_A = new HttpParser.Request("GET", "/a", "HTTP/1.1");
    static final HttpParser.Request GET_B = new HttpParser.Request("GET", "/b", "HTTP/1.1");
    static final HttpParser.Response OK = new HttpParser.Response("HTTP/1.1", 200);
    static final HttpParser.Response ERR = new HttpParser.Response("HTTP/1.1", 500);

    static ConnectionKey key(int clientPort) {
        return new ConnectionKey(InetAddress.getLoopbackAddress(), clientPort, InetAddress.getLoopbackAddress(), 8080);
    }

    @Test
    void matchesResponseToRequestWithLatency() {
        HttpMatcher m = new HttpMatcher();
        assertTrue(m.request(C1, 100, 1_000, GET_A));
        var x = m.response(C1, 900, 301_000_000, OK).orElseThrow();
        assertEquals("/a", x.request().target());
        assertEquals(200, x.response().status());
        assertEquals(300_999_000, x.latencyNanos());
        assertEquals(0, m.pendingCount());
    }

    @Test
    void pipelinedRequestsAnswerInOrder() {
        HttpMatcher m = new HttpMatcher();
        m.request(C1, 100, 10, GET_A);
        m.request(C1, 200, 20, GET_B);
        assertEquals("/a", m.response(C1, 1, 30, OK).orElseThrow().request().target());
        assertEquals("/b", m.response(C1, 2, 40, ERR).orElseThrow().request().target());
    }

    @Test
    void connectionsAreIndependent() {
        HttpMatcher m = new HttpMatcher();
        m.request(C1, 100, 10, GET_A);
        m.request(C2, 100, 15, GET_B);
        assertEquals("/b", m.response(C2, 5, 30, OK).orElseThrow().request().target());
        assertEquals("/a", m.response(C1, 5, 50, OK).orElseThrow().request().target());
    }

    @Test
    void duplicateSegmentsCountOnce() {
        HttpMatcher m = new HttpMatcher();
        assertTrue(m.request(C1, 100, 10, GET_A));
        assertFalse(m.request(C1, 100, 12, GET_A)); // same segment seen at a second capture point
        assertTrue(m.response(C1, 7, 20, OK).isPresent());
        assertTrue(m.response(C1, 7, 21, OK).isEmpty()); // retransmitted response
    }

    @Test
    void unsolicitedResponseMatchesNothing() {
        assertTrue(new HttpMatcher().response(C1, 1, 1, OK).isEmpty());
    }

    @Test
    void boundsAndTimeoutDiscardAndCount() {
        HttpMatcher m = new HttpMatcher(1, 2, 1_000);
        m.request(C1, 1, 0, GET_A);
        m.request(C1, 2, 1, GET_A);
        m.request(C1, 3, 2, GET_B); // per-connection bound: oldest dropped
        assertEquals(1, m.discardedCount());
        m.request(C2, 1, 3, GET_A); // connection bound: C1 (2 pending) evicted
        assertEquals(3, m.discardedCount());
        assertTrue(m.response(C1, 1, 4, OK).isEmpty());
        assertTrue(m.response(C2, 1, 5_000, OK).isEmpty()); // timed out
        assertEquals(4, m.discardedCount());
    }
}
