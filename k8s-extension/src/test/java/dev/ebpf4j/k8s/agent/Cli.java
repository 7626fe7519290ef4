package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.cli.Ebpf4jCli;
import dev.ebpf4j.testkit.NetNamespace;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code ebpf4j} CLI as its own JVM (on the test's class path), in a network namespace. */
final class Cli {
    private Cli() {
    }

    /** Runs {@code ebpf4j args...} inside {@code ns}; returns its standard output, failing on a non-zero exit. */
    static String runIn(NetNamespace ns, Path dir, List<String> args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.path(), java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Ebpf4jCli.class.getName()));
        cmd.addAll(args);
        Path err = Files.createTempFile(dir, "cli", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ebpf4j " + args + " did not finish");
        }
        if (p.exitValue() != 0) throw new AssertionError("ebpf4j " + args + " exited " + p.exitValue() + ": " + Files.readString(err));
        return out;
    }
}
