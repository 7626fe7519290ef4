package dev.ebpf4j.k8s.model;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The API server's rules for label keys and values and for port names, applied again to what the informers hand us:
 * an object that breaks them did not come from a validating API server, and is refused rather than half-understood.
 */
final class LabelSyntax {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private LabelSyntax() {
    }

    /**
     * @param labels labels or selector terms
     * @param where what carries them, for the message
     * @return the labels, checked
     * @throws IllegalArgumentException naming the first bad key or value
     */
    static Map<String, String> check(Map<String, String> labels, String where) {
        labels.forEach((k, v) -> {
            key(k, where);
            value(v, k, where);
        });
        return labels;
    }

    static String key(String key, String where) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException(where + ": empty label key");
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                throw new IllegalArgumentException(where + ": label key prefix '" + cut(prefix)
                        + "' is not a DNS subdomain of at most 253 characters");
            }
        }
        if (name.length() > 63 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": label key '" + cut(key)
                    + "' must be at most 63 alphanumerics, '-', '_' or '.' (after an optional prefix/)");
        }
        return key;
    }

    /** Whether {@code value} is a label value the API server accepts (the empty value included). */
    static boolean isValue(String value) {
        return value != null && (value.isEmpty() || value.length() <= 63 && NAME.matcher(value).matches());
    }

    static void value(String value, String key, String where) {
        if (value == null) throw new IllegalArgumentException(where + ": label '" + cut(key) + "' has no value");
        if (!isValue(value)) {
            throw new IllegalArgumentException(where + ": value of label '" + cut(key) + "' (" + value.length()
                    + " characters) must be at most 63 alphanumerics, '-', '_' or '.'");
        }
    }

    /** A named port: 1-15 lowercase alphanumerics or '-', with at least one letter (IANA_SVC_NAME). */
    static String portName(String name, String where) {
        if (name.isEmpty() || name.length() > 15 || !IANA_SVC_NAME.matcher(name).matches() || name.contains("--")
                || name.chars().noneMatch(Character::isLetter)) {
            throw new IllegalArgumentException(where + ": port name '" + cut(name)
                    + "' must be 1-15 lowercase letters, digits or '-', with a letter");
        }
        return name;
    }

    static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "...(" + s.length() + " characters)" : s;
    }
}
