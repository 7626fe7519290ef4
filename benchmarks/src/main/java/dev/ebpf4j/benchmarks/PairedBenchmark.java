package dev.ebpf4j.benchmarks;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.ArrayMap;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.MapFlag;
import dev.ebpf4j.maps.MapSpec;
import dev.ebpf4j.maps.PutMode;
import dev.ebpf4j.maps.codec.Codec;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java versus C single map operations, measured in alternating rounds in one process: each round times the C loop
 * (from {@code c/map_bench.c}, called once through FFM) and the same loop in Java on the same map, swapping which
 * goes first. The per-round ratio cancels most of the noise of a shared machine; the median ratio is reported.
 * The same alternation then compares Java paths with each other: single versus batch operations and syscall
 * lookups versus mmap reads (there the "java" side is the slower path and the ratio is the speed-up).
 *
 * <p>Usage: {@code PairedBenchmark <libmapbench.so> <output.jsonl>}.
 */
public final class PairedBenchmark {
    static final int ROUNDS = 21, OPS = 100_000, MASK = 1023;

    private PairedBenchmark() {}

    @FunctionalInterface
    interface Loop {
        double nsPerOp() throws Throwable;
    }

    public static void main(String[] args) throws Throwable {
        SymbolLookup lib = SymbolLookup.libraryLookup(Path.of(args[0]), Arena.global());
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
        MethodHandle cLookup = Linker.nativeLinker().downcallHandle(lib.find("c_hash_lookup_loop").orElseThrow(), fd);
        MethodHandle cUpdate = Linker.nativeLinker().downcallHandle(lib.find("c_hash_update_loop").orElseThrow(), fd);
        try (BpfHashMap<Integer, Long> hash = BpfHashMap.create("paired_hash", MASK + 1, Codec.s32(), Codec.s64());
             ArrayMap<Long> array = ArrayMap.create(MapSpec.of(MapType.ARRAY, "paired_array", 4, 8, MASK + 1)
                     .withFlags(MapFlag.MMAPABLE), Codec.s64());
             PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[1])))) {
            for (int k = 0; k <= MASK; k++) hash.putLong(k, k);
            Loop javaLookup = () -> {
                long sink = 0, t0 = System.nanoTime();
                for (int i = 0; i < OPS; i++) sink += hash.getLong(i & MASK, 0);
                if (sink == 42) System.out.print("");
                return (System.nanoTime() - t0) / (double) OPS;
            };
            Loop javaUpdate = () -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < OPS; i++) hash.putLong(i & MASK, i);
                return (System.nanoTime() - t0) / (double) OPS;
            };
            Loop javaArray = () -> {
                long sink = 0, t0 = System.nanoTime();
                for (int i = 0; i < OPS; i++) sink += array.getLong(i & MASK, 0);
                if (sink == 42) System.out.print("");
                return (System.nanoTime() - t0) / (double) OPS;
            };
            int hashFd = hash.fd(), arrayFd = array.fd();
            report(out, "hash_lookup", javaLookup, () -> (double) cLookup.invokeExact(hashFd, OPS, MASK));
            report(out, "hash_update", javaUpdate, () -> (double) cUpdate.invokeExact(hashFd, OPS, MASK));
            report(out, "array_lookup", javaArray, () -> (double) cLookup.invokeExact(arrayFd, OPS, MASK));

            // Java against Java, also alternating: batch versus single, mmap versus syscall (ns per element).
            long[] ks = new long[MASK + 1], vs = new long[MASK + 1];
            Map<Integer, Long> batch = new LinkedHashMap<>();
            for (int k = 0; k < 256; k++) batch.put(k, (long) k);
            Loop singleLookup = () -> {
                long sink = 0, t0 = System.nanoTime();
                for (int r = 0; r < 20; r++) for (int k = 0; k <= MASK; k++) sink += hash.getLong(k, 0);
                if (sink == 42) System.out.print("");
                return (System.nanoTime() - t0) / (20.0 * (MASK + 1));
            };
            Loop batchLookup = () -> {
                long t0 = System.nanoTime();
                int n = 0;
                for (int r = 0; r < 20; r++) n += hash.getAllLong(ks, vs);
                return (System.nanoTime() - t0) / (double) n;
            };
            Loop singleUpdate = () -> {
                long t0 = System.nanoTime();
                for (int r = 0; r < 40; r++) for (int k = 0; k < 256; k++) hash.putLong(k, k);
                return (System.nanoTime() - t0) / (40.0 * 256);
            };
            Loop batchUpdate = () -> {
                long t0 = System.nanoTime();
                for (int r = 0; r < 40; r++) hash.putAll(batch, PutMode.ANY);
                return (System.nanoTime() - t0) / (40.0 * 256);
            };
            Loop mmapRead = () -> {
                long sink = 0, t0 = System.nanoTime();
                for (int i = 0; i < OPS * 20; i++) sink += array.getMappedLong(i & MASK);
                if (sink == 42) System.out.print("");
                return (System.nanoTime() - t0) / (OPS * 20.0);
            };
            report(out, "batch_vs_single_lookup", singleLookup, batchLookup);
            report(out, "batch_vs_single_update", singleUpdate, batchUpdate);
            report(out, "mmap_vs_syscall_array_read", javaArray, mmapRead);
        }
    }

    /** Alternates {@code java} and {@code c} (any two loops) and reports the median of per-round ratios java / c. */
    private static void report(PrintStream out, String op, Loop java, Loop c) throws Throwable {
        for (int i = 0; i < 5; i++) {
            java.nsPerOp(); // warm up: let C2 compile the Java paths
            c.nsPerOp();
        }
        List<Double> javaNs = new ArrayList<>(), cNs = new ArrayList<>(), ratios = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            double j, n;
            if (r % 2 == 0) {
                n = c.nsPerOp();
                j = java.nsPerOp();
            } else {
                j = java.nsPerOp();
                n = c.nsPerOp();
            }
            javaNs.add(j);
            cNs.add(n);
            ratios.add(j / n);
        }
        String line = String.format("{\"op\": \"%s\", \"java_ns_median\": %.2f, \"c_ns_median\": %.2f, \"ratio_median\": %.4f, \"ratios\": %s}",
                op, median(javaNs), median(cNs), median(ratios), ratios);
        System.out.println(line);
        out.println(line);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static {
        try {
            Files.createDirectories(Path.of("benchmarks/results"));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
