package dev.ebpf4j.core.build;

import java.util.List;

/** clang failed, or produced an object unfit for CO-RE. {@link #diagnostics()} has clang's errors with file and line. */
public final class CompileException extends RuntimeException {
    private final List<Diagnostic> diagnostics;
    private final String output;

    public CompileException(String message, List<Diagnostic> diagnostics, String output) {
        super(message + (diagnostics.isEmpty() ? (output.isBlank() ? "" : "\n" + output.strip())
                : "\n" + String.join("\n", diagnostics.stream().map(Diagnostic::toString).toList())));
        this.diagnostics = List.copyOf(diagnostics);
        this.output = output;
    }

    /** The errors and warnings clang reported, in order. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** clang's whole stderr. */
    public String output() {
        return output;
    }
}
