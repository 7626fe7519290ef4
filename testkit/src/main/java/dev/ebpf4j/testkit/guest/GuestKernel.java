package dev.ebpf4j.testkit.guest;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Boots a Debian kernel under qemu software emulation, runs tagged JUnit tests in it over a read-only 9p view of this
 * machine, and returns each test's result. Drives {@code scripts/guest/run.sh}, which fetches the kernel with apt.
 *
 * {@snippet :
 * GuestRun run = GuestKernel.debian("6.1")
 *         .classPath(GuestKernel.testClassPath())
 *         .tags("guest", "guest-smoke")
 *         .run(Path.of("target/guest-6.1"));
 * run.results().forEach(r -> System.out.println(r.displayName() + " " + r.status()));
 * }
 *
 * <p>Needs root, {@code qemu-system-x86_64}, {@code busybox-static}, {@code cpio}, {@code kmod} and apt (the kernel
 * package is cached under {@code ~/.cache/ebpf4j/guest}). Under emulation a JVM starts in about 40 s: run a focused set.
 */
public final class GuestKernel {
    /** Extra seconds over the guest timeout for fetching and unpacking the kernel on a cold cache. */
    private static final long PREPARE_SECONDS = 300;

    private final String series;
    private List<Path> classPath = List.of();
    private List<Path> scanRoots;
    private List<String> tags = List.of("guest", "guest-smoke");
    private Duration timeout = Duration.ofMinutes(10);
    private Path workingDirectory = Path.of("").toAbsolutePath();
    private Path launcher = configuredPath("ebpf4j.guest.launcher");
    private Path script = configuredPath("ebpf4j.guest.script");
    private final List<String> jvmArgs = new ArrayList<>();

    private GuestKernel(String series) {
        this.series = series;
    }

    /** The newest Debian {@code linux-image-<series>*-amd64} apt knows: {@code 6.1} (bookworm) or {@code 6.12} (backports). */
    public static GuestKernel debian(String series) {
        if (!series.matches("\\d+\\.\\d+")) throw new IllegalArgumentException("kernel series like 6.1 or 6.12, not " + series);
        return new GuestKernel(series);
    }

    /** The guest JVM's class path (entries must be visible at the same path in the guest: any host path is). */
    public GuestKernel classPath(List<Path> entries) {
        this.classPath = List.copyOf(entries);
        return this;
    }

    /** Where to look for tests; defaults to the {@code test-classes} directories and {@code -tests.jar}s of the class path. */
    public GuestKernel scanRoots(List<Path> roots) {
        this.scanRoots = List.copyOf(roots);
        return this;
    }

    /** Runs the tests carrying any of these JUnit tags (default {@code guest} and {@code guest-smoke}). */
    public GuestKernel tags(String... tagNames) {
        if (tagNames.length == 0) throw new IllegalArgumentException("give at least one tag: the guest runs a focused set");
        this.tags = List.of(tagNames);
        return this;
    }

    /** How long the guest may run before qemu is killed (default 10 minutes). */
    public GuestKernel timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    /** The guest JVM's working directory (default: this JVM's). */
    public GuestKernel workingDirectory(Path directory) {
        this.workingDirectory = directory.toAbsolutePath();
        return this;
    }

    /** The junit-platform-console-standalone jar (default: system property {@code ebpf4j.guest.launcher}, else the script's search). */
    public GuestKernel launcher(Path jar) {
        this.launcher = jar;
        return this;
    }

    /** An extra option for the guest JVM, such as {@code -Dfoo=bar}. */
    public GuestKernel jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    /**
     * Boots the guest, runs the tests and reads their reports. Never throws for test failures or a failed boot: check
     * {@link GuestRun#completed()} and the results.
     *
     * @param output a directory for reports, the console log and the runner's log (created; earlier reports removed)
     */
    public GuestRun run(Path output) {
        Path out = output.toAbsolutePath();
        long started = System.nanoTime();
        List<String> command = new ArrayList<>(List.of("bash", locateScript().toString(), "--kernel", series,
                "--out", out.toString(), "--timeout", Long.toString(timeout.toSeconds()),
                "--workdir", workingDirectory.toString(), "--tags", String.join(",", tags),
                "--classpath", join(classPath), "--scan", join(scanRoots != null ? scanRoots : testRoots(classPath))));
        if (launcher != null) command.addAll(List.of("--launcher", launcher.toString()));
        for (String arg : jvmArgs) command.addAll(List.of("--jvm-arg", arg));
        int status;
        try {
            Files.createDirectories(out);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.resolve("runner.log").toFile()).start();
            try {
                if (process.waitFor(timeout.toSeconds() + PREPARE_SECONDS, TimeUnit.SECONDS)) {
                    status = process.exitValue();
                } else {
                    stop(process);
                    status = 124;
                }
            } catch (InterruptedException e) {
                stop(process);
                Thread.currentThread().interrupt();
                status = 130;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the guest runner " + command.get(1), e);
        }
        return new GuestRun(series, readOrEmpty(out.resolve("uname.txt")), status,
                JUnitXmlReports.read(out.resolve("reports")), out.resolve("console.log"), out,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** This JVM's class path without the JUnit Platform jars (the guest launcher brings its own) or Surefire's. */
    public static List<Path> testClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .map(Path::of)
                .filter(p -> !provided(p.getFileName().toString()))
                .toList();
    }

    /** The entries of a class path that hold tests: {@code test-classes} directories and {@code *-tests.jar} files. */
    public static List<Path> testRoots(List<Path> classPath) {
        return classPath.stream().filter(p -> {
            String name = p.getFileName().toString();
            return name.equals("test-classes") || name.endsWith("-tests.jar");
        }).toList();
    }

    private static boolean provided(String jar) {
        return jar.startsWith("junit-jupiter") || jar.startsWith("junit-platform") || jar.startsWith("opentest4j")
                || jar.startsWith("apiguardian") || jar.startsWith("surefire") || jar.startsWith("common-java5")
                || jar.startsWith("common-junit");
    }

    private Path locateScript() {
        if (script != null) return script;
        for (Path dir = workingDirectory; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts/guest/run.sh");
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IllegalStateException("scripts/guest/run.sh not found above " + workingDirectory
                + "; set the system property ebpf4j.guest.script to its path");
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList(); // before they are orphaned
        process.destroy(); // the script's trap kills qemu and removes its temp files
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(p -> p.toAbsolutePath().toString()).toList());
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static Path configuredPath(String property) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? null : Path.of(value);
    }
}
