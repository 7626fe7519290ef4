package dev.ebpf4j.stress;

import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Knobs of the stress suites and their compiled BPF objects. {@code -Dstress.cycles=N} overrides every per-type
 * default cycle count (the full run is {@code -Dstress.cycles=10000}); {@code -Dstress.fuzz.tries=N} does the same for
 * the fuzzers.
 */
final class Stress {
    private static final Map<String, byte[]> OBJECTS = new HashMap<>();

    private Stress() {}

    /** Cycles for one kind of object: the {@code stress.cycles} property when set, else the bounded default. */
    static int cycles(int bounded) {
        return intProperty("stress.cycles", bounded);
    }

    /** Threads that run the cycles of one kind at once: the {@code stress.workers} property, else 1. */
    static int workers() {
        int w = intProperty("stress.workers", 1);
        if (w < 1 || w > 64) throw new IllegalArgumentException("-Dstress.workers must be 1..64, got " + w);
        return w;
    }

    /** A cycle of worker {@code w} of several. */
    interface Work {
        void run(int w, int i) throws Exception;
    }

    /**
     * Runs cycles {@code 0..n-1} on {@code workers} platform threads, each taking the next index until none is left;
     * the first failure stops every worker and is rethrown (later ones suppressed) once all have finished.
     */
    static void inParallel(int workers, int n, Work work) throws Exception {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            threads.add(Thread.ofPlatform().name("stress-" + w).start(() -> {
                for (int i; failures.isEmpty() && (i = next.getAndIncrement()) < n; ) {
                    try {
                        work.run(worker, i);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        Throwable first = failures.poll();
        if (first == null) return;
        failures.forEach(first::addSuppressed);
        if (first instanceof Exception e) throw e;
        throw (Error) first;
    }

    private static final java.nio.file.Path RCU_EXPEDITED = java.nio.file.Path.of("/sys/kernel/rcu_expedited");

    /**
     * With {@code -Dstress.rcu.expedited=true}: writes 1 to {@code /sys/kernel/rcu_expedited} (synchronize_rcu then waits
     * for expedited grace periods) and returns the value to {@link #restoreRcu restore}; else null and nothing changes.
     */
    static String expediteRcu() throws IOException {
        if (!Boolean.getBoolean("stress.rcu.expedited")) return null;
        String before = Files.readString(RCU_EXPEDITED).trim();
        Files.writeString(RCU_EXPEDITED, "1");
        return before;
    }

    /** Puts back what {@link #expediteRcu()} returned (null: nothing to do). */
    static void restoreRcu(String before) throws IOException {
        if (before != null) Files.writeString(RCU_EXPEDITED, before);
    }

    /** Tries for one fuzzer: the {@code stress.fuzz.tries} property when set, else the bounded default. */
    static int fuzzTries(int bounded) {
        return intProperty("stress.fuzz.tries", bounded);
    }

    /** False when {@code -Dstress.only=A,B} names other kinds (to rerun one kind of cycle alone). */
    static boolean selected(String kind) {
        String only = System.getProperty("stress.only", "");
        return only.isBlank() || java.util.Arrays.stream(only.split(",")).anyMatch(o -> kind.startsWith(o.trim()));
    }

    private static int intProperty(String name, int fallback) {
        String v = System.getProperty(name, "");
        return v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    /** The ELF bytes of {@code src/test/bpf/NAME.bpf.c}, compiled once per JVM into a temp directory. */
    static synchronized byte[] object(String name) {
        return OBJECTS.computeIfAbsent(name, n -> {
            try {
                Path dir = Files.createTempDirectory("e4jst-bpf");
                Path source = dir.resolve(n + ".bpf.c");
                try (InputStream in = Stress.class.getResourceAsStream("/bpf/" + n + ".bpf.c")) {
                    if (in == null) throw new IllegalArgumentException("no /bpf/" + n + ".bpf.c on the test class path");
                    Files.write(source, in.readAllBytes());
                }
                Path out = dir.resolve(n + ".bpf.o");
                BpfBuilder.create().compile(source, out);
                byte[] bytes = Files.readAllBytes(out);
                Files.delete(out);
                Files.delete(source);
                Files.delete(dir);
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Opens the stress object with only {@code program} (or, with null, no program) set to load. */
    static BpfObjectSpec openOnly(String program) {
        BpfObjectSpec spec = BpfObject.open(object("stress"), "stress");
        spec.programs().forEach(p -> spec.autoload(p.name(), p.name().equals(program)));
        return spec;
    }

    /** Formats a rate line for the report. */
    static String rate(String what, int cycles, long nanos) {
        return String.format("%-28s %6d cycles in %7.2f s (%.0f us/cycle)", what, cycles, nanos / 1e9, nanos / 1e3 / Math.max(1, cycles));
    }
}
