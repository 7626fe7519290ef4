package dev.ebpf4j.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command (such as {@code ip} or {@code tc}) and returns its output, failing with the output when it fails. */
public final class Shell {
    private Shell() {}

    /** Runs {@code argv}; throws {@link IllegalStateException} with stdout+stderr on a non-zero exit. */
    public static String run(String... argv) {
        Result r = exec(argv);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited " + r.exitCode() + ": " + r.output());
        }
        return r.output();
    }

    /** Runs {@code argv} and returns the exit code and merged output without failing. */
    public static Result exec(String... argv) {
        try {
            Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + argv[0], e);
        }
    }

    /** A finished command. */
    public record Result(int exitCode, String output) {}
}
