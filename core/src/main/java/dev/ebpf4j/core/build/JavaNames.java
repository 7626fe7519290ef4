package dev.ebpf4j.core.build;

import java.util.Locale;
import java.util.Set;

/** C identifiers to Java ones: {@code flow_key} -> {@code FlowKey} (types) or {@code flowKey} (fields). */
final class JavaNames {
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final",
            "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long",
            "native", "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
            "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile", "while",
            "true", "false", "null", "var", "yield", "record", "sealed", "permits", "_");
    // Component names a record cannot have: they clash with the methods every record or our records declare.
    private static final Set<String> RESERVED_COMPONENTS = Set.of("hashCode", "toString", "getClass", "notify",
            "notifyAll", "wait", "equals", "clone", "finalize", "write", "read");

    private JavaNames() {}

    /** {@code xdp_counter_value} -> {@code XdpCounterValue}; a trailing {@code _t} is dropped. */
    static String type(String cName) {
        String base = cName.endsWith("_t") && cName.length() > 2 ? cName.substring(0, cName.length() - 2) : cName;
        String camel = camel(base, true);
        return camel.isEmpty() || !Character.isJavaIdentifierStart(camel.charAt(0)) ? "T" + camel : camel;
    }

    /** {@code src_ip} -> {@code srcIp}; Java keywords and names that clash with record methods get a {@code _} suffix. */
    static String field(String cName) {
        String camel = camel(cName, false);
        if (camel.isEmpty() || !Character.isJavaIdentifierStart(camel.charAt(0))) camel = "f" + camel;
        return KEYWORDS.contains(camel) || RESERVED_COMPONENTS.contains(camel) ? camel + "_" : camel;
    }

    /** An enum constant keeps its C spelling (already SCREAMING_CASE by convention). */
    static String constant(String cName) {
        String s = cName.replaceAll("[^A-Za-z0-9_$]", "_");
        return KEYWORDS.contains(s) || s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    private static String camel(String name, boolean upperFirst) {
        if (name.equals(name.toUpperCase(Locale.ROOT))) name = name.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        boolean upper = upperFirst;
        for (char c : name.toCharArray()) {
            if (c == '_' || !Character.isJavaIdentifierPart(c)) {
                upper = out.length() > 0 || upperFirst;
                continue;
            }
            out.append(upper ? Character.toUpperCase(c) : out.length() == 0 && !upperFirst ? Character.toLowerCase(c) : c);
            upper = false;
        }
        return out.toString();
    }
}
