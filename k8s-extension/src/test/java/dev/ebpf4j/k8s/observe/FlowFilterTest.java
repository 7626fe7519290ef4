package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static dev.ebpf4j.k8s.observe.Flows.ep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowFilterTest {
    static final FlowEndpoint FRONT = ep("10.0.0.1", 40000, "shop", "frontend-7d9f");
    static final FlowEndpoint BACK = ep("10.0.0.2", 8080, "shop", "backend-5c4b");
    static final FlowEndpoint DB = ep("10.1.0.9", 5432, "data", "postgres-0");
    static final FlowEndpoint OUTSIDE = ep("fd00::7", 53, null, null);

    static final Flow GET_OK = Flows.http(FRONT, BACK, "GET", "/api/users", 200, 100);
    static final Flow POST_500 = Flows.http(FRONT, BACK, "POST", "/api/orders/17", 503, 200);
    static final Flow DROP_DB = Flows.drop(BACK, DB, 6, 300);
    static final Flow REFUSED = Flows.sock(BACK, DB, TcpEvent.REFUSED, 400);
    static final Flow DNS = Flows.dns(FRONT, OUTSIDE, "example.com", 500);
    static final List<Flow> ALL = List.of(GET_OK, POST_500, DROP_DB, REFUSED, DNS);

    static List<Flow> select(FlowFilter f) {
        return ALL.stream().filter(f).toList();
    }

    @Test
    void emptyFilterMatchesEverything() {
        assertEquals(ALL, select(FlowFilter.all()));
    }

    @Test
    void podFiltersArePrefixesWithOptionalNamespace() {
        assertEquals(List.of(GET_OK, POST_500, DNS), select(FlowFilter.builder().fromPod(List.of("frontend")).build()));
        assertEquals(List.of(GET_OK, POST_500, DNS), select(FlowFilter.builder().fromPod(List.of("shop/front")).build()));
        assertEquals(List.of(), select(FlowFilter.builder().fromPod(List.of("data/front")).build()));
        assertEquals(List.of(DROP_DB, REFUSED), select(FlowFilter.builder().toPod(List.of("postgres-0")).build()));
        assertEquals(List.of(GET_OK, POST_500, DROP_DB, REFUSED), select(FlowFilter.builder().pod(List.of("backend")).build()));
    }

    @Test
    void valuesWithinAFlagAreOred() {
        assertEquals(List.of(GET_OK, POST_500, DROP_DB, REFUSED, DNS),
                select(FlowFilter.builder().pod(List.of("frontend", "postgres")).build()));
        assertEquals(List.of(DROP_DB, REFUSED, DNS), select(FlowFilter.builder().type(List.of("drop", "sock", "l7"))
                .protocol(List.of("tcp", "dns")).build()).stream().filter(f -> f != GET_OK && f != POST_500).toList());
    }

    @Test
    void flagsAreAnded() {
        assertEquals(List.of(POST_500), select(FlowFilter.builder().fromPod(List.of("frontend")).httpStatus(List.of("5+")).build()));
        assertEquals(List.of(), select(FlowFilter.builder().type(List.of("drop")).toPod(List.of("backend")).build()));
    }

    @Test
    void namespaceIpAndPort() {
        assertEquals(List.of(DROP_DB, REFUSED), select(FlowFilter.builder().namespace(List.of("data")).build()));
        assertEquals(List.of(DROP_DB, REFUSED), select(FlowFilter.builder().ip(List.of("10.1.0.0/16")).build()));
        assertEquals(List.of(DNS), select(FlowFilter.builder().ip(List.of("fd00::/64")).build()));
        assertEquals(List.of(GET_OK, POST_500, DNS), select(FlowFilter.builder().ip(List.of("10.0.0.1")).build()));
        assertEquals(List.of(DNS), select(FlowFilter.builder().port(List.of(53)).build()));
    }

    @Test
    void verdictTypeAndProtocol() {
        assertEquals(List.of(DROP_DB), select(FlowFilter.builder().verdict(List.of("dropped")).build()));
        assertEquals(List.of(REFUSED), select(FlowFilter.builder().type(List.of("sock")).build()));
        assertEquals(List.of(GET_OK, POST_500), select(FlowFilter.builder().protocol(List.of("http")).build()));
        assertEquals(List.of(DNS), select(FlowFilter.builder().protocol(List.of("udp")).build()));
    }

    @Test
    void httpMethodPathAndStatus() {
        assertEquals(List.of(POST_500), select(FlowFilter.builder().httpMethod(List.of("post")).build()));
        assertEquals(List.of(POST_500), select(FlowFilter.builder().httpPath(List.of("^/api/orders/[0-9]+$")).build()));
        assertEquals(List.of(GET_OK, POST_500), select(FlowFilter.builder().httpPath(List.of("api")).build()));
        assertEquals(List.of(GET_OK), select(FlowFilter.builder().httpStatus(List.of("200")).build()));
        assertEquals(List.of(POST_500), select(FlowFilter.builder().httpStatus(List.of("50+")).build()));
        assertEquals(List.of(GET_OK, POST_500), select(FlowFilter.builder().httpStatus(List.of("2+", "5+")).build()));
    }

    @Test
    void since() {
        assertEquals(List.of(REFUSED, DNS), select(FlowFilter.builder().since(Instant.ofEpochSecond(400)).build()));
    }

    @Test
    void badValuesSayWhatToUse() {
        var e = assertThrows(IllegalArgumentException.class, () -> FlowFilter.builder().type(List.of("l8")));
        assertTrue(e.getMessage().contains("[l7, trace, drop, sock]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FlowFilter.builder().httpStatus(List.of("6+")));
        assertThrows(IllegalArgumentException.class, () -> FlowFilter.builder().httpStatus(List.of("2000")));
        assertThrows(IllegalArgumentException.class, () -> FlowFilter.builder().httpPath(List.of("(")));
        assertThrows(IllegalArgumentException.class, () -> FlowFilter.builder().ip(List.of("backend.local")));
        assertThrows(IllegalArgumentException.class, () -> FlowFilter.builder().ip(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> FlowFilter.builder().protocol(List.of("quic")));
        assertThrows(IllegalArgumentException.class, () -> FlowFilter.builder().port(List.of(70000)));
    }

    @Test
    void describesItself() {
        assertEquals("FlowFilter[pod=[a, b] AND http-status=5+]",
                FlowFilter.builder().pod(List.of("a", "b")).httpStatus(List.of("5+")).build().toString());
        assertFalse(FlowFilter.builder().pod(List.of("zzz")).build().test(GET_OK));
    }
}
