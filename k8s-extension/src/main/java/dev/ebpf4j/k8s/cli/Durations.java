package dev.ebpf4j.k8s.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses hubble-style time arguments: relative durations ({@code 90s}, {@code 5m}, {@code 1h30m}) or RFC 3339 instants. */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    static Duration parse(String text) {
        Matcher m = PART.matcher(text);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use e.g. 30s, 5m, 1h30m");
        }
        return d;
    }

    /** {@code --since} value: a duration before {@code now}, or an instant. */
    static Instant since(String text, Instant now) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                return now.minus(parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--since '" + text + "': use a duration (5m) or an RFC 3339 time");
            }
        }
    }
}
