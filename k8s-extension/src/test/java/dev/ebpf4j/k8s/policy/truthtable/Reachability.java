package dev.ebpf4j.k8s.policy.truthtable;

import java.util.Arrays;
import java.util.List;

/**
 * An expected 9 x 9 connectivity matrix, built the way the upstream e2e tests build theirs: start from "all
 * allowed" and apply {@code expectPeer}/{@code expectAllIngress}/{@code expectAllEgress}/{@code expect}.
 * Rows are sources, columns destinations, both in {@link TruthTableModel#podKeys()} order. Loopback cells
 * (a pod to itself) are ignored in comparisons, as upstream ignores them.
 */
public final class Reachability {

    private final List<String> keys = TruthTableModel.podKeys();
    private final boolean[][] cells = new boolean[9][9];

    /** A matrix with every cell allowed. */
    public Reachability() {
        for (boolean[] row : cells) {
            Arrays.fill(row, true);
        }
    }

    /**
     * Sets every cell whose source matches {@code from} and destination matches {@code to}.
     *
     * @param fromNs source namespace, or null for any
     * @param fromPod source pod, or null for any
     * @param toNs destination namespace, or null for any
     * @param toPod destination pod, or null for any
     * @param allowed the value
     * @return this
     */
    public Reachability expectPeer(String fromNs, String fromPod, String toNs, String toPod, boolean allowed) {
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                if (matches(keys.get(i), fromNs, fromPod) && matches(keys.get(j), toNs, toPod)) {
                    cells[i][j] = allowed;
                }
            }
        }
        return this;
    }

    /**
     * @param to {@code ns/pod}
     * @param allowed the value for every source
     * @return this
     */
    public Reachability expectAllIngress(String to, boolean allowed) {
        String[] p = to.split("/");
        return expectPeer(null, null, p[0], p[1], allowed);
    }

    /**
     * @param from {@code ns/pod}
     * @param allowed the value for every destination
     * @return this
     */
    public Reachability expectAllEgress(String from, boolean allowed) {
        String[] p = from.split("/");
        return expectPeer(p[0], p[1], null, null, allowed);
    }

    /**
     * @param from {@code ns/pod}
     * @param to {@code ns/pod}
     * @param allowed the value
     * @return this
     */
    public Reachability expect(String from, String to, boolean allowed) {
        cells[keys.indexOf(from)][keys.indexOf(to)] = allowed;
        return this;
    }

    /**
     * @param i source index
     * @param j destination index
     * @return the expected value
     */
    public boolean get(int i, int j) {
        return cells[i][j];
    }

    private static boolean matches(String key, String ns, String pod) {
        String[] p = key.split("/");
        return (ns == null || ns.equals(p[0])) && (pod == null || pod.equals(p[1]));
    }

    /**
     * @param actual the measured or computed matrix
     * @return the differing non-loopback cells as {@code from -> to expected X got Y}, empty when equal
     */
    public List<String> differences(boolean[][] actual) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                if (i != j && cells[i][j] != actual[i][j]) {
                    out.add(keys.get(i) + " -> " + keys.get(j) + " expected " + (cells[i][j] ? "allow" : "deny"));
                }
            }
        }
        return out;
    }

    /**
     * @param matrix a matrix
     * @return the matrix as text in the upstream style ({@code .} allowed, {@code X} denied, {@code -} loopback)
     */
    public static String render(boolean[][] matrix) {
        List<String> keys = TruthTableModel.podKeys();
        StringBuilder sb = new StringBuilder("     ");
        keys.forEach(k -> sb.append(k).append(' '));
        sb.append('\n');
        for (int i = 0; i < 9; i++) {
            sb.append(keys.get(i)).append("  ");
            for (int j = 0; j < 9; j++) {
                sb.append("  ").append(i == j ? '-' : matrix[i][j] ? '.' : 'X').append(' ');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** @return the expected matrix as a copy */
    public boolean[][] toArray() {
        boolean[][] copy = new boolean[9][];
        for (int i = 0; i < 9; i++) {
            copy[i] = cells[i].clone();
        }
        return copy;
    }
}
