package dev.ebpf4j.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A child cgroup v2 that a test creates and removes: programs attach to it, and {@link #runInside(Callable)} moves this
 * JVM into it for the duration of a task (cgroup v2 moves whole processes), moving it back afterwards.
 *
 * {@snippet :
 * try (TestCgroup cg = TestCgroup.create("e4j-prog")) {
 *     ... attach to cg.path() ...
 *     cg.runInside(() -> socket.connect(address));
 * }
 * }
 */
public final class TestCgroup implements AutoCloseable {
    private final Path path;
    private boolean closed;

    private TestCgroup(Path path) {
        this.path = path;
    }

    /** The cgroup v2 mount: {@code /sys/fs/cgroup/unified} on hybrid hosts, else {@code /sys/fs/cgroup}. */
    public static Path root() {
        return KernelMounts.mounted("/sys/fs/cgroup/unified", "cgroup2") ? Path.of("/sys/fs/cgroup/unified")
                : Path.of("/sys/fs/cgroup");
    }

    /** Creates {@code ROOT/prefix-XXXX}. */
    public static TestCgroup create(String prefix) {
        Path p = root().resolve(prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));
        try {
            Files.createDirectory(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create cgroup " + p, e);
        }
        return new TestCgroup(p);
    }

    /** The cgroup directory. */
    public Path path() {
        return path;
    }

    /** Runs {@code task} with this JVM inside the cgroup, then moves it back where it was. */
    public synchronized <T> T runInside(Callable<T> task) throws Exception {
        Path previous = currentCgroup();
        move(path);
        try {
            return task.call();
        } finally {
            move(previous);
        }
    }

    private static Path currentCgroup() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            if (line.startsWith("0::")) return root().resolve(line.substring(3).replaceFirst("^/", ""));
        }
        throw new IllegalStateException("no cgroup v2 entry in /proc/self/cgroup");
    }

    private static void move(Path cgroup) throws IOException {
        Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
    }

    /** Removes the cgroup (it must be empty: {@link #runInside} moved the JVM back); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove cgroup " + path, e);
        }
    }
}
