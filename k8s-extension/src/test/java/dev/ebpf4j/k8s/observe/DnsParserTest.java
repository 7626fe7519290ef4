package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DnsParserTest {

    @Test
    void parsesQuery() {
        byte[] q = DnsMessages.query(0x1234, "backend.shop.svc.cluster.local", 1);
        DnsParser.Message m = DnsParser.parse(q, q.length).orElseThrow();
        assertEquals(0x1234, m.id());
        assertFalse(m.response());
        assertEquals("backend.shop.svc.cluster.local", m.name());
        assertEquals(1, m.qtype());
        assertEquals(List.of(), m.answers());
    }

    @Test
    void parsesResponseWithCompressedAnswers() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.1.5"), b = InetAddress.getByName("fd00::5");
        byte[] r = DnsMessages.response(7, "backend.shop", 1, 0, a, b);
        DnsParser.Message m = DnsParser.parse(r, r.length).orElseThrow();
        assertTrue(m.response());
        assertEquals(0, m.rcode());
        assertEquals(List.of(a, b), m.answers());
    }

    @Test
    void nxdomainHasRcodeAndNoAnswers() {
        byte[] r = DnsMessages.response(9, "nope.example", 28, 3);
        DnsParser.Message m = DnsParser.parse(r, r.length).orElseThrow();
        assertEquals(3, m.rcode());
        assertEquals(28, m.qtype());
        assertEquals("NXDOMAIN", new DnsInfo(9, "nope.example", 28, true, 3, List.of(), java.time.Duration.ZERO).rcodeName());
    }

    @Test
    void truncatedCaptureKeepsAnswersReadSoFar() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.1"), b = InetAddress.getByName("10.0.0.2");
        byte[] r = DnsMessages.response(1, "x.y", 1, 0, a, b);
        DnsParser.Message m = DnsParser.parse(r, r.length - 3).orElseThrow();
        assertEquals(List.of(a), m.answers());
    }

    @Test
    void rejectsGarbageAndLoops() {
        assertEquals(Optional.empty(), DnsParser.parse(new byte[11], 11));
        byte[] q = DnsMessages.query(1, "a.b", 1);
        assertEquals(Optional.empty(), DnsParser.parse(q, 14)); // question cut short
        byte[] loop = Arrays.copyOf(q, q.length);
        loop[12] = (byte) 0xC0;
        loop[13] = 12; // name pointer to itself
        assertEquals(Optional.empty(), DnsParser.parse(loop, loop.length));
        byte[] twoQuestions = Arrays.copyOf(q, q.length);
        twoQuestions[5] = 2;
        assertEquals(Optional.empty(), DnsParser.parse(twoQuestions, twoQuestions.length));
        byte[] http = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes();
        assertEquals(Optional.empty(), DnsParser.parse(http, http.length));
    }
}
