package dev.ebpf4j.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Mounts bpffs and tracefs when they are absent (they are not mounted by default on some hosts). */
public final class KernelMounts {
    private KernelMounts() {}

    /** Ensures bpffs at {@code /sys/fs/bpf}; returns the path. */
    public static synchronized Path bpffs() {
        return ensure("/sys/fs/bpf", "bpf");
    }

    /** Ensures tracefs at {@code /sys/kernel/tracing}; returns the path. */
    public static synchronized Path tracefs() {
        return ensure("/sys/kernel/tracing", "tracefs");
    }

    private static Path ensure(String path, String type) {
        if (!mounted(path, type)) Shell.run("mount", "-t", type, type, path);
        return Path.of(path);
    }

    /** Whether a filesystem of {@code type} is mounted at {@code path}. */
    public static boolean mounted(String path, String type) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals(path) && f[2].equals(type)) return true;
            }
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/mounts", e);
        }
    }
}
