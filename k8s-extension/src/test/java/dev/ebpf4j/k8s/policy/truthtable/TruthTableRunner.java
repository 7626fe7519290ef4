package dev.ebpf4j.k8s.policy.truthtable;

import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.policy.ClusterState;
import dev.ebpf4j.k8s.policy.Probe;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase.Check;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableCase.Step;
import java.util.ArrayList;
import java.util.List;

/** Runs truth-table cases against any decision procedure and collects mismatching matrices. */
public final class TruthTableRunner {

    /** Something that decides a probe in a cluster state: the evaluator, the datapath model, the kernel. */
    @FunctionalInterface
    public interface Oracle {
        /**
         * @param state the cluster
         * @param probe the connection attempt
         * @return whether it is allowed
         */
        boolean allowed(ClusterState state, Probe probe);
    }

    private TruthTableRunner() {
    }

    /**
     * @param testCase the case
     * @param oracle the decision procedure
     * @return one message per failed check (with both matrices), empty on success
     */
    public static List<String> run(TruthTableCase testCase, Oracle oracle) {
        List<String> failures = new ArrayList<>();
        ClusterState state = TruthTableModel.initialState();
        for (Step step : testCase.steps()) {
            state = step.change().apply(state);
            for (Check check : step.checks()) {
                boolean[][] actual = matrix(state, check, oracle);
                List<String> diff = check.expected().differences(actual);
                if (!diff.isEmpty()) {
                    failures.add(testCase.name() + " / " + step.description() + " / " + check.port() + "/"
                            + check.protocol() + ": " + diff + "\nexpected:\n"
                            + Reachability.render(check.expected().toArray()) + "actual:\n" + Reachability.render(actual));
                }
            }
        }
        return failures;
    }

    /**
     * @param state the cluster
     * @param check the port and protocol to probe
     * @param oracle the decision procedure
     * @return the 9 x 9 matrix (rows sources, columns destinations)
     */
    public static boolean[][] matrix(ClusterState state, Check check, Oracle oracle) {
        List<String> keys = TruthTableModel.podKeys();
        boolean[][] m = new boolean[9][9];
        for (int i = 0; i < 9; i++) {
            Pod from = pod(state, keys.get(i));
            for (int j = 0; j < 9; j++) {
                Pod to = pod(state, keys.get(j));
                m[i][j] = oracle.allowed(state, Probe.between(from, to, check.port(), check.protocol()));
            }
        }
        return m;
    }

    private static Pod pod(ClusterState state, String key) {
        String[] p = key.split("/");
        return state.pod(p[0], p[1]);
    }
}
