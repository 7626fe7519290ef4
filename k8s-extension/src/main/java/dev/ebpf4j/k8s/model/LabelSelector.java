package dev.ebpf4j.k8s.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code metav1.LabelSelector}: all {@code matchLabels} pairs and all {@code matchExpressions} must hold.
 * The empty selector ({@link #everything()}) matches every label set, including the empty one.
 *
 * @param matchLabels exact key/value pairs the labels must contain
 * @param matchExpressions set-based requirements the labels must satisfy
 */
public record LabelSelector(Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {

    private static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

    /** Copies the inputs (sorted labels, for stable printing); null means empty. */
    public LabelSelector {
        matchLabels = matchLabels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(matchLabels));
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }

    /** @return the empty selector, which matches everything */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /**
     * @param labels the key/value pairs to require
     * @return a selector with only {@code matchLabels}
     */
    public static LabelSelector matchLabels(Map<String, String> labels) {
        return new LabelSelector(labels, List.of());
    }

    /**
     * @param requirements the expressions to require
     * @return a selector with only {@code matchExpressions}
     */
    public static LabelSelector matchExpressions(LabelSelectorRequirement... requirements) {
        return new LabelSelector(Map.of(), List.of(requirements));
    }

    /** @return whether this is the empty selector (matches all) */
    public boolean isEmpty() {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }

    /**
     * @param labels a label set (of a pod or a namespace)
     * @return whether every matchLabels pair and every expression holds
     */
    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "{}";
        }
        StringBuilder sb = new StringBuilder("{");
        matchLabels.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(k).append('=').append(v));
        for (LabelSelectorRequirement r : matchExpressions) {
            sb.append(sb.length() > 1 ? "," : "").append(r.key()).append(' ').append(r.operator())
                    .append(r.values().isEmpty() ? "" : " " + r.values());
        }
        return sb.append('}').toString();
    }
}
