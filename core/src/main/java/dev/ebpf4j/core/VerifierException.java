package dev.ebpf4j.core;

import java.util.List;

/**
 * The kernel verifier rejected a program. {@link #log()} has the whole verifier log; the message shows
 * only its last lines and how many were left out.
 */
public final class VerifierException extends BpfException {
    static final int TAIL_LINES = 12;
    private final String program;
    private final List<String> log;

    public VerifierException(String program, int errno, List<String> log) {
        super("program load " + program, errno, "rejected by the verifier", null);
        this.program = program;
        this.log = List.copyOf(log);
    }

    /** The program's name in the object. */
    public String program() {
        return program;
    }

    /** Every line of the verifier log, in order. */
    public List<String> log() {
        return log;
    }

    @Override
    public String getMessage() {
        StringBuilder text = new StringBuilder(super.getMessage());
        int omitted = Math.max(0, log.size() - TAIL_LINES);
        if (omitted > 0) text.append("\n  (").append(omitted).append(" lines omitted)");
        for (String line : log.subList(omitted, log.size())) text.append("\n  ").append(line);
        return text.toString();
    }
}
