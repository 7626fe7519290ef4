package dev.ebpf4j.k8s.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry of map layout steps: for each version N that has a successor, the converters of the maps whose key or
 * value layout changed from N to N+1. A map a step does not name keeps its layout (its entries are copied as they are
 * when the map must be recreated anyway). An agent of layout M finding pins of layout N &lt; M chains the steps
 * N -> N+1 -> ... -> M; a missing step means those pins cannot be migrated.
 *
 * {@snippet :
 * LayoutMigration migrations = LayoutMigration.builder()
 *         .step(1, MapConverter.ofValue("lb_sock_rev", 32, 20, 24, (o, n) -> MemorySegment.copy(o, 0, n, 0, 20)))
 *         .build();
 * }
 */
final class LayoutMigration {
    /** The agent's own registry: layout 1 is the first, so there is nothing to convert from yet. */
    static final LayoutMigration DEFAULT = builder().build();

    private final TreeMap<Integer, Map<String, MapConverter>> steps;

    private LayoutMigration(TreeMap<Integer, Map<String, MapConverter>> steps) {
        this.steps = steps;
    }

    static Builder builder() {
        return new Builder();
    }

    /**
     * The converters that take pinned layout {@code from} to layout {@code to}, composed per map (a map no step names
     * is absent: its layout did not change).
     *
     * @throws IllegalStateException when a step is missing, naming both versions and the steps there are
     */
    Map<String, MapConverter> path(int from, int to) {
        if (from >= to) throw new IllegalArgumentException("no path from layout " + from + " to " + to + ": not older");
        Map<String, MapConverter> composed = new LinkedHashMap<>();
        for (int v = from; v < to; v++) {
            Map<String, MapConverter> step = steps.get(v);
            if (step == null) {
                throw new IllegalStateException("pins have map layout version " + from + " and this agent uses layout version "
                        + to + ", but it has no converter from layout " + v + " to " + (v + 1) + " (steps it has: "
                        + describeSteps() + "); run the old agent's --uninstall first (which drops the datapath state)");
            }
            for (MapConverter c : step.values()) composed.merge(c.map(), c, MapConverter::then);
        }
        return composed;
    }

    private String describeSteps() {
        if (steps.isEmpty()) return "none";
        List<String> s = new ArrayList<>();
        steps.forEach((v, m) -> s.add(v + "->" + (v + 1) + " " + m.keySet()));
        return String.join(", ", s);
    }

    /** Collects the steps. */
    static final class Builder {
        private final TreeMap<Integer, Map<String, MapConverter>> steps = new TreeMap<>();

        private Builder() {
        }

        /** The step from layout {@code from} to {@code from + 1}: the converters of the maps that changed. */
        Builder step(int from, MapConverter... converters) {
            if (from < 1) throw new IllegalArgumentException("layout versions start at 1, got " + from);
            if (steps.containsKey(from)) throw new IllegalArgumentException("step " + from + "->" + (from + 1) + " given twice");
            Map<String, MapConverter> m = new LinkedHashMap<>();
            for (MapConverter c : converters) {
                if (m.put(c.map(), c) != null) {
                    throw new IllegalArgumentException("step " + from + "->" + (from + 1) + " converts map " + c.map() + " twice");
                }
            }
            steps.put(from, Map.copyOf(m));
            return this;
        }

        LayoutMigration build() {
            return new LayoutMigration(new TreeMap<>(steps));
        }
    }
}
