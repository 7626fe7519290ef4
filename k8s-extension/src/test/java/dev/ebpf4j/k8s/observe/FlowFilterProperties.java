package dev.ebpf4j.k8s.observe;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** OR within a flag and AND across flags, checked against the single-value filters on random flows and values. */
class FlowFilterProperties {
    static final List<String> PODS = List.of("frontend", "backend", "postgres", "shop/front", "data/post", "nope");
    static final List<String> STATUSES = List.of("200", "503", "2+", "5+", "50+", "404");
    static final List<String> TYPES = List.of("l7", "trace", "drop", "sock");

    @Property(tries = 500)
    void severalValuesOfOneFlagMatchIfAnyValueMatches(@ForAll("flows") Flow flow, @ForAll("pods") List<String> pods,
                                                      @ForAll("statuses") List<String> statuses) {
        check(flow, pods, (b, v) -> b.pod(v));
        check(flow, statuses, (b, v) -> b.httpStatus(v));
        check(flow, pods, (b, v) -> b.fromPod(v));
    }

    @Property(tries = 500)
    void differentFlagsMatchOnlyIfEachMatches(@ForAll("flows") Flow flow, @ForAll("pods") List<String> pods,
                                              @ForAll("types") List<String> types, @ForAll("statuses") List<String> statuses) {
        boolean p = FlowFilter.builder().toPod(pods).build().test(flow);
        boolean t = FlowFilter.builder().type(types).build().test(flow);
        boolean s = FlowFilter.builder().httpStatus(statuses).build().test(flow);
        assertEquals(p && t && s, FlowFilter.builder().toPod(pods).type(types).httpStatus(statuses).build().test(flow));
    }

    private static void check(Flow flow, List<String> values, BiFunction<FlowFilter.Builder, List<String>, FlowFilter.Builder> flag) {
        boolean any = values.isEmpty() || values.stream().anyMatch(v -> flag.apply(FlowFilter.builder(), List.of(v)).build().test(flow));
        assertEquals(any, flag.apply(FlowFilter.builder(), values).build().test(flow));
    }

    @Provide
    Arbitrary<Flow> flows() {
        return Arbitraries.of(FlowFilterTest.ALL).flatMap(base -> Arbitraries.of(100, 200, 204, 404, 500, 503)
                .map(code -> base.l7() instanceof HttpInfo ? Flows.http(base.source(), base.destination(), "GET", "/", code, 1) : base));
    }

    @Provide
    Arbitrary<List<String>> pods() {
        return Arbitraries.of(PODS).list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<String>> statuses() {
        return Arbitraries.of(STATUSES).list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<String>> types() {
        return Arbitraries.of(TYPES).list().ofMaxSize(2);
    }
}
