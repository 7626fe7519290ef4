package dev.ebpf4j.core.build;

import java.nio.file.Path;

/** One clang diagnostic: {@code file:line:column: severity: message}. */
public record Diagnostic(Path file, int line, int column, String severity, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity + ": " + message;
    }
}
