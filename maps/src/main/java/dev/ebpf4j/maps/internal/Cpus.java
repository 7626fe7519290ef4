package dev.ebpf4j.maps.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The possible-CPU count, the length of every per-CPU value list (from {@code /sys/devices/system/cpu/possible}). */
public final class Cpus {
    private static volatile int possible;

    private Cpus() {}

    /** Number of possible CPUs: the highest id in the possible list plus one. */
    public static int possible() {
        int n = possible;
        if (n == 0) possible = n = parse(read());
        return n;
    }

    private static String read() {
        try {
            return Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the possible-CPU list", e);
        }
    }

    /** Parses a kernel CPU list such as {@code "0-3,8"} into highest id + 1. */
    public static int parse(String list) {
        int max = -1;
        for (String part : list.trim().split(",")) {
            if (part.isEmpty()) continue;
            int dash = part.indexOf('-');
            max = Math.max(max, Integer.parseInt(dash < 0 ? part : part.substring(dash + 1)));
        }
        if (max < 0) throw new IllegalArgumentException("empty CPU list '" + list + "'");
        return max + 1;
    }
}
