package dev.ebpf4j.k8s.policy.truthtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.policy.PolicyEvaluator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The evaluator reproduces every upstream expected 9 x 9 matrix. */
class EvaluatorTruthTableTest {

    static Stream<TruthTableCase> cases() {
        return TruthTableCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evaluatorMatchesUpstreamMatrix(TruthTableCase testCase) {
        List<String> failures = TruthTableRunner.run(testCase,
                (state, probe) -> new PolicyEvaluator(state).evaluate(probe).allowed());
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    @Test
    void expectationsAreNotTrivial() {
        long failingForAllowAll = TruthTableCases.all().stream()
                .filter(c -> !TruthTableRunner.run(c, (state, probe) -> true).isEmpty()).count();
        assertTrue(failingForAllowAll >= TruthTableCases.all().size() - 3,
                "an allow-everything oracle passes too many cases: only " + failingForAllowAll + " fail");
    }

    @Test
    void atLeastTwentyCasesAndNamesAreUnique() {
        List<String> names = TruthTableCases.all().stream().map(TruthTableCase::name).toList();
        assertTrue(names.size() >= 20, "cases: " + names.size());
        assertEquals(names.size(), names.stream().distinct().count(), "duplicate case names");
    }
}
