package dev.ebpf4j.k8s.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The agent as a separate JVM on the test's class path, started with a manifest directory. */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread.ofPlatform().daemon().name("agent-out").start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("ready ")) ready.complete(line);
                }
            } catch (IOException ignored) {
                // process gone
            }
            ready.completeExceptionally(new IllegalStateException("agent exited before ready"));
        });
    }

    static AgentProcess start(Path manifests, Path cgroup, Path pinDir, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command("--manifests", manifests.toString(), "--cgroup", cgroup.toString(),
                "--pin-dir", pinDir.toString(), "--node", "n1"));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new AgentProcess(pb.start(), log);
    }

    /** Starts the agent with {@code args} as they are (its stderr appended to {@code log}). */
    static AgentProcess startWith(Path log, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new AgentProcess(pb.start(), log);
    }

    /** Like {@link #startWith(Path, String...)}, with extra environment variables (KUBECONFIG, say). */
    static AgentProcess startWith(Path log, java.util.Map<String, String> env, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new AgentProcess(pb.start(), log);
    }

    /** Starts the agent inside the network namespace at {@code netns} ({@code nsenter --net}). */
    static AgentProcess startIn(Path netns, Path log, String... args) throws IOException {
        return startIn(netns, log, java.util.Map.of(), args);
    }

    /** Like {@link #startIn(Path, Path, String...)}, with extra environment variables (KUBECONFIG, say). */
    static AgentProcess startIn(Path netns, Path log, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("nsenter", "--net=" + netns));
        cmd.addAll(command(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new AgentProcess(pb.start(), log);
    }

    /** The agent JVM's pid. */
    long pid() {
        return process.pid();
    }

    /** Waits for the agent JVM to exit and returns its exit code (fails after {@code seconds}). */
    int awaitExit(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) throw new AssertionError("agent still running after " + seconds + " s");
        return process.exitValue();
    }

    /** Whether the agent JVM still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Runs {@code Agent --uninstall --pin-dir DIR} to completion; returns its exit code. */
    static int uninstall(Path pinDir, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command("--uninstall", "--pin-dir", pinDir.toString()));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("agent --uninstall did not finish");
        }
        return p.exitValue();
    }

    private static List<String> command(String... args) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xss2m",
                "-cp", System.getProperty("java.class.path"), Agent.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Waits for the agent's "ready" line (its start report). */
    String awaitReady() throws Exception {
        try {
            return ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("agent not ready; its stderr:\n" + Files.readString(log), e);
        }
    }

    /** SIGKILL, as {@code Process.destroyForcibly()} is on Linux. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
