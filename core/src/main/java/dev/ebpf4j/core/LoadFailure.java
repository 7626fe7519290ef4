package dev.ebpf4j.core;

import dev.ebpf4j.core.features.Capability;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a failed {@code bpf_object__load} and what libbpf printed meanwhile into the most specific exception. */
final class LoadFailure {
    private static final Pattern VERIFIER_LOG = Pattern.compile(
            "prog '([^']+)': -- BEGIN PROG LOAD LOG --\\n(.*?)-- END PROG LOAD LOG --", Pattern.DOTALL);
    private static final Pattern FAILED_PROGRAM = Pattern.compile("prog '([^']+)': failed to load");
    private static final Pattern FAILED_MAP = Pattern.compile("map '([^']+)': failed to create");

    private LoadFailure() {}

    static BpfException from(String object, int err, String libbpfOutput, List<ProgramSpec> programs, List<MapSpec> maps) {
        Matcher log = VERIFIER_LOG.matcher(libbpfOutput);
        if (log.find() && !log.group(2).isBlank()) {
            // Without CAP_PERFMON the verifier runs in its restricted mode (no pointer arithmetic or leaks, Spectre
            // sanitation): a rejection then most likely means the missing capability, not a wrong program.
            if (err == -Errno.EACCES && !Capability.effective().contains(Capability.CAP_PERFMON)
                    && !Capability.effective().contains(Capability.CAP_SYS_ADMIN)) {
                return PermissionException.missingCapability("program load " + log.group(1)
                        + " (the verifier's restricted mode rejected it)", Capability.CAP_PERFMON);
            }
            List<String> lines = Arrays.asList(log.group(2).stripTrailing().split("\n"));
            return new VerifierException(log.group(1), err, lines);
        }
        Matcher map = FAILED_MAP.matcher(libbpfOutput);
        if (map.find()) {
            String type = maps.stream().filter(m -> m.name().equals(map.group(1))).findFirst().map(m -> " (" + m.type() + ")").orElse("");
            return BpfException.of("map create " + map.group(1) + type, err, lastError(libbpfOutput));
        }
        Matcher failed = FAILED_PROGRAM.matcher(libbpfOutput);
        // The program type goes into the operation: PermissionException judges the missing capability from it.
        String operation = failed.find() ? "program load " + failed.group(1) + typeOf(failed.group(1), programs)
                : "object load " + object;
        return BpfException.of(operation, err, lastError(libbpfOutput));
    }

    private static String typeOf(String program, List<ProgramSpec> programs) {
        return programs.stream().filter(p -> p.name().equals(program)).findFirst()
                .map(p -> " (" + p.type() + ")").orElse("");
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
