package dev.ebpf4j.k8s.observe;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsers never throw on arbitrary bytes, and accept what they should after random mutation of the tail. */
class ParserProperties {

    @Property(tries = 3000)
    void httpParsersNeverThrow(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(min = -5, max = 400) int length) {
        HttpParser.parseRequest(data, length);
        HttpParser.parseResponse(data, length);
    }

    @Property(tries = 3000)
    void dnsParserNeverThrows(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(min = -5, max = 400) int length) {
        DnsParser.parse(data, length);
    }

    @Property(tries = 2000)
    void dnsParserSurvivesMutatedRealMessages(@ForAll("dnsMutations") byte[] data) {
        DnsParser.parse(data, data.length).ifPresent(m -> assertTrue(m.name().length() <= 255));
    }

    @Property(tries = 1000)
    void wellFormedRequestsRoundTrip(@ForAll("methods") String method, @ForAll("paths") String path) {
        byte[] line = (method + " " + path + " HTTP/1.1\r\nHost: h\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpParser.Request r = HttpParser.parseRequest(line, line.length).orElseThrow();
        assertEquals(method, r.method());
        assertEquals(path, r.target());
    }

    @Property(tries = 500)
    void everyStatusCodeRoundTrips(@ForAll @IntRange(min = 100, max = 999) int status) {
        byte[] line = ("HTTP/1.1 " + status + " Whatever\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(status, HttpParser.parseResponse(line, line.length).orElseThrow().status());
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of(HttpParser.METHODS);
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(120).map(s -> "/" + s);
    }

    @Provide
    Arbitrary<byte[]> dnsMutations() {
        byte[] base = DnsMessages.response(42, "backend.shop.svc.cluster.local", 1, 0,
                java.net.InetAddress.getLoopbackAddress());
        return Arbitraries.integers().between(0, base.length - 1).list().ofMaxSize(6)
                .flatMap(positions -> Arbitraries.bytes().list().ofSize(positions.size()).map(values -> {
                    byte[] copy = base.clone();
                    for (int i = 0; i < positions.size(); i++) copy[positions.get(i)] = values.get(i);
                    return copy;
                }));
    }
}
