package dev.ebpf4j.k8s.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code matchExpressions} entry of a label selector.
 *
 * @param key the label key
 * @param operator how the label's value is compared with {@code values}
 * @param values the values for {@code In}/{@code NotIn}; must be empty for {@code Exists}/{@code DoesNotExist}
 */
public record LabelSelectorRequirement(String key, Operator operator, List<String> values) {

    /** The set-based selector operators of {@code metav1.LabelSelectorRequirement}. */
    public enum Operator {
        /** The label is present and its value is one of the values. */
        IN,
        /** The label is absent, or present with a value that is none of the values. */
        NOT_IN,
        /** The label is present, whatever its value. */
        EXISTS,
        /** The label is absent. */
        DOES_NOT_EXIST;

        /**
         * @param name the API spelling: In, NotIn, Exists, DoesNotExist
         * @return the operator
         */
        public static Operator parse(String name) {
            return switch (name) {
                case "In" -> IN;
                case "NotIn" -> NOT_IN;
                case "Exists" -> EXISTS;
                case "DoesNotExist" -> DOES_NOT_EXIST;
                default -> throw new IllegalArgumentException(
                        "unknown selector operator '" + name + "': use In, NotIn, Exists or DoesNotExist");
            };
        }
    }

    /** Validates as the API server does: In/NotIn need values, Exists/DoesNotExist take none. */
    public LabelSelectorRequirement {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operator, "operator");
        values = List.copyOf(values == null ? List.of() : values);
        boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
        if (needsValues && values.isEmpty()) {
            throw new IllegalArgumentException("operator " + operator + " on '" + key + "' needs at least one value");
        }
        if (!needsValues && !values.isEmpty()) {
            throw new IllegalArgumentException("operator " + operator + " on '" + key + "' takes no values");
        }
    }

    /**
     * @param labels a label set
     * @return whether the label set satisfies this requirement
     */
    public boolean matches(Map<String, String> labels) {
        String value = labels.get(key);
        return switch (operator) {
            case IN -> value != null && values.contains(value);
            case NOT_IN -> value == null || !values.contains(value);
            case EXISTS -> value != null;
            case DOES_NOT_EXIST -> value == null;
        };
    }
}
