package dev.ebpf4j.core;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a failed {@code bpf_object__load} and what libbpf printed meanwhile into the most specific exception. */
final class LoadFailure {
    private static final Pattern VERIFIER_LOG = Pattern.compile(
            "prog '([^']+)': -- BEGIN PROG LOAD LOG --\\n(.*?)-- END PROG LOAD LOG --", Pattern.DOTALL);
    private static final Pattern FAILED_PROGRAM = Pattern.compile("prog '([^']+)': failed to load");

    private LoadFailure() {}

    static BpfException from(String object, int err, String libbpfOutput) {
        Matcher log = VERIFIER_LOG.matcher(libbpfOutput);
        if (log.find() && !log.group(2).isBlank()) {
            List<String> lines = Arrays.asList(log.group(2).stripTrailing().split("\n"));
            return new VerifierException(log.group(1), err, lines);
        }
        Matcher failed = FAILED_PROGRAM.matcher(libbpfOutput);
        String operation = failed.find() ? "program load " + failed.group(1) : "object load " + object;
        return BpfException.of(operation, err, lastError(libbpfOutput));
    }

    /** libbpf's most telling line: the last one that says what failed, without its "libbpf: " prefix. */
    static String lastError(String output) {
        String best = null;
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (l.startsWith("libbpf: ")) l = l.substring(8);
            if (!l.isEmpty() && (l.contains("fail") || l.contains("error") || l.contains("invalid") || l.contains("not "))) best = l;
        }
        return best;
    }
}
