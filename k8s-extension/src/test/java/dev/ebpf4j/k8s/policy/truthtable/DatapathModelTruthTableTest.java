package dev.ebpf4j.k8s.policy.truthtable;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.policy.PolicyCompiler;
import dev.ebpf4j.k8s.policy.PolicyDatapathModel;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The compiled maps, read by the datapath simulation, reproduce every upstream expected matrix. */
class DatapathModelTruthTableTest {

    static Stream<TruthTableCase> cases() {
        return TruthTableCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compiledMapsMatchUpstreamMatrix(TruthTableCase testCase) {
        PolicyCompiler compiler = new PolicyCompiler();
        List<String> failures = TruthTableRunner.run(testCase, (state, probe) ->
                new PolicyDatapathModel(List.of(compiler.compile(state, TruthTableModel.NODE))).decide(probe).allowed());
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }
}
