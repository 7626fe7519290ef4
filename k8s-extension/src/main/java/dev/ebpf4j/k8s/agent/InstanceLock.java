package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.internal.libbpf.Native;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One agent per pin directory: an exclusive {@code flock(2)} on the pin directory itself, held for the agent's life.
 * bpffs holds no regular files, but any inode can carry a flock, and the directory is the one thing two agents of
 * a node (or two containers sharing the host's bpffs) necessarily share. The kernel drops the lock when the holder
 * exits, however it exits, so a SIGKILLed agent never leaves a stale lock. The holder's pid comes from
 * {@code /proc/locks}.
 */
final class InstanceLock implements AutoCloseable {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final MethodHandle OPEN = Native.libcErrno("open", FunctionDescriptor.of(INT, ValueLayout.ADDRESS, INT));
    private static final MethodHandle FLOCK = Native.libcErrno("flock", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(INT, INT));
    private static final int O_RDONLY = 0, O_DIRECTORY = 0200000, O_CLOEXEC = 02000000;
    private static final int LOCK_EX = 2, LOCK_NB = 4, EWOULDBLOCK = 11, EINTR = 4;

    private final Path dir;
    private int fd;

    private InstanceLock(Path dir, int fd) {
        this.dir = dir;
        this.fd = fd;
    }

    /**
     * Creates {@code pinDir} if needed and locks it.
     *
     * @throws IllegalStateException when another process holds the lock, naming its pid
     */
    static InstanceLock acquire(Path pinDir) {
        try {
            Files.createDirectories(pinDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create pin directory " + pinDir, e);
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(Native.captureSegment(), arena.allocateFrom(pinDir.toString()),
                    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) {
                throw new UncheckedIOException(new IOException("cannot open " + pinDir + ": errno " + Native.capturedErrno()));
            }
            int r;
            do {
                r = (int) FLOCK.invokeExact(Native.captureSegment(), fd, LOCK_EX | LOCK_NB);
            } while (r != 0 && Native.capturedErrno() == EINTR);
            if (r == 0) return new InstanceLock(pinDir, fd);
            int errno = Native.capturedErrno();
            int ignored = (int) CLOSE.invokeExact(fd);
            if (errno != EWOULDBLOCK) {
                throw new UncheckedIOException(new IOException("flock " + pinDir + ": errno " + errno));
            }
            throw new IllegalStateException("another agent is running on pin directory " + pinDir + " ("
                    + holder(pinDir).map(pid -> "pid " + pid + describe(pid)).orElse("its pid is not visible from here")
                    + " holds the lock); stop it first, two agents on one pin directory would fight over the links");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The pid holding a flock on {@code dir}, from {@code /proc/locks} (matched by inode). */
    static Optional<Long> holder(Path dir) {
        try {
            long inode = ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                // "1: FLOCK  ADVISORY  WRITE 4242 00:2a:1234 0 EOF"
                String[] f = line.trim().split("\\s+");
                if (f.length < 6 || !f[1].equals("FLOCK")) continue;
                String[] dev = f[5].split(":");
                if (dev.length == 3 && Long.parseLong(dev[2]) == inode) {
                    long pid = Long.parseLong(f[4]);
                    return pid > 0 ? Optional.of(pid) : Optional.empty();
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the message then says the pid is unknown
        }
        return Optional.empty();
    }

    private static String describe(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).map(c -> ": " + c.substring(0, Math.min(200, c.length())))
                .orElse("");
    }

    /** The locked directory. */
    Path directory() {
        return dir;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public synchronized void close() {
        if (fd < 0) return;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            fd = -1;
        }
    }
}
