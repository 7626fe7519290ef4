package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.FlowJson;

import java.util.Collection;
import java.util.Map;

/** JSON text of the CLI's records (built as ordered maps): strings, numbers, booleans, lists and maps. */
final class Json {
    private Json() {}

    static String of(Object value) {
        return append(new StringBuilder(), value).toString();
    }

    private static StringBuilder append(StringBuilder b, Object v) {
        switch (v) {
            case null -> b.append("null");
            case String s -> FlowJson.quote(b, s);
            case Number n -> b.append(n);
            case Boolean z -> b.append(z);
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) b.append(',');
                    first = false;
                    FlowJson.quote(b, String.valueOf(e.getKey())).append(':');
                    append(b, e.getValue());
                }
                b.append('}');
            }
            case Collection<?> c -> {
                b.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) b.append(',');
                    first = false;
                    append(b, o);
                }
                b.append(']');
            }
            default -> FlowJson.quote(b, v.toString());
        }
        return b;
    }
}
