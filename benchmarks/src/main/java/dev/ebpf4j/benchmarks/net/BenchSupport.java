package dev.ebpf4j.benchmarks.net;

import dev.ebpf4j.core.build.BpfBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Shared pieces of the network benchmarks: the results file in the site's format
 * ({@code benchmark,variant,metric,value,unit}, {@code #} comments), statistics, and child processes.
 */
final class BenchSupport {
    private final String benchmark;
    private final List<String> rows = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final List<String> ratios = new ArrayList<>();

    BenchSupport(String benchmark) {
        this.benchmark = benchmark;
        comment("load average at start: " + loadAverage());
    }

    void comment(String text) {
        comments.add("# " + text);
    }

    void row(String variant, String metric, double value, String unit) {
        rows.add(String.join(",", benchmark, variant, metric, format(value), unit));
    }

    /** A ratio row, also printed in the summary with its target and whether it was met. */
    void ratio(String name, double value, String target, boolean met) {
        check(name, value, "x", target, met);
    }

    /** A target check in any unit (a ratio, or an absolute like "ms"), printed in the summary. */
    void check(String name, double value, String unit, String target, boolean met) {
        row("target", name, value, unit);
        ratios.add(String.format(Locale.ROOT, "%-46s %10.3f %-6s target %-10s %s", name, value, unit, target,
                target.startsWith("(") ? "" : met ? "MET" : "NOT MET"));
    }

    void write(Path file) {
        comment("load average at end: " + loadAverage());
        List<String> lines = new ArrayList<>(comments);
        lines.add("benchmark,variant,metric,value,unit");
        lines.addAll(rows);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("\n== ratios (" + benchmark + ")");
        ratios.forEach(System.out::println);
        System.out.println("wrote " + file);
    }

    static String format(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2] + " (" + Runtime.getRuntime().availableProcessors() + " CPUs)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    static double median(double[] values) {
        return percentile(values, 0.5);
    }

    static double percentile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) (s.length * p))];
    }

    /** Runs a command to completion and returns its standard output; fails with its stderr on a nonzero exit. */
    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IllegalStateException(command + " exited " + rc + ": " + new String(err) + new String(out));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a long-running helper and waits for its first output line ("ready"). */
    static Process startReady(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] line = new byte[6];
        int got = p.getInputStream().readNBytes(line, 0, 6);
        if (got != 6 || !new String(line).equals("ready\n")) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not start");
        }
        return p;
    }

    static void stop(List<Process> processes) {
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A benchmark helper binary the run script compiled into benchmarks/target. */
    static String tool(String name) {
        Path p = Path.of("benchmarks/target", name).toAbsolutePath();
        if (!Files.isExecutable(p)) throw new IllegalStateException(p + " missing: run the benchmark through its script");
        return p.toString();
    }

    /** Compiles a BPF source of benchmarks/src/main/bpf into benchmarks/target/bpf (cached by BpfBuilder). */
    static Path compile(String source) {
        Path src = Path.of("benchmarks/src/main/bpf", source).toAbsolutePath();
        Path out = Path.of("benchmarks/target/bpf").toAbsolutePath().resolve(source.replace(".c", ".o"));
        try {
            Files.createDirectories(out.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BpfBuilder.create().compile(src, out);
        return out;
    }

    /** Network-order IPv4 as the kernel stores it in a u32 on this little-endian machine. */
    static long ipKernel(int hostOrder) {
        return Integer.reverseBytes(hostOrder) & 0xffffffffL;
    }

    static long portKernel(int port) {
        return Short.reverseBytes((short) port) & 0xffffL;
    }

    /**
     * Loads an iptables-restore file into a namespace's tables.
     *
     * @param flavour "legacy" or "nft"
     * @return how long iptables-restore took, in milliseconds
     */
    static double iptablesRestore(dev.ebpf4j.testkit.NetNamespace ns, String flavour, String rules) throws Exception {
        Path f = java.nio.file.Files.createTempFile("e4j-rules", ".txt");
        try {
            java.nio.file.Files.writeString(f, rules);
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("nsenter", "--net=" + ns.path(), "iptables-" + flavour + "-restore")
                    .redirectInput(f.toFile()).redirectErrorStream(true).start();
            String msg = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException("iptables-" + flavour + "-restore failed: " + msg);
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }
}
