package dev.ebpf4j.testkit.guest;

import java.time.Duration;
import java.util.Objects;

/**
 * One test's outcome in a guest kernel, read from the JUnit XML report the guest wrote.
 *
 * @param className the test class, as JUnit reported it
 * @param name      the test's display name (method name with parameters for Jupiter tests)
 * @param status    passed, failed (assertion or error) or skipped
 * @param message   the failure or skip message; empty when passed or when JUnit gave none
 * @param detail    the stack trace of a failure (empty otherwise)
 * @param duration  how long the test took in the guest
 */
public record GuestTestResult(String className, String name, Status status, String message, String detail,
                              Duration duration) {
    /** How a guest test ended. */
    public enum Status { PASSED, FAILED, SKIPPED }

    /** Checks that no component is null. */
    public GuestTestResult {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(duration, "duration");
    }

    /** {@code SimpleClassName.name}, for display. */
    public String displayName() {
        int dot = className.lastIndexOf('.');
        return className.substring(dot + 1) + "." + name;
    }
}
