package dev.ebpf4j.core;

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
 * An exclusive {@code flock(2)} on a directory (typically a pin directory in bpffs), held until {@link #close()}, so
 * that one process at a time manages the pins under it. bpffs holds no regular files, but any inode can carry a flock;
 * the kernel drops the lock when the holder exits however it exits, so a killed process never leaves a stale lock.
 *
 * {@snippet class="dev.ebpf4j.core.PackageSnippets" region="pin-dir-lock"}
 *
 * <p>Thread-safe; {@link #close()} is idempotent. The lock belongs to the open file, not to a thread: a second
 * {@link #acquire} of the same directory, even from this process, is refused while this one is held.
 */
public final class PinDirLock implements AutoCloseable {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final int O_RDONLY = 0, O_DIRECTORY = 0200000, O_CLOEXEC = 02000000;
    private static final int LOCK_EX = 2, LOCK_NB = 4, EWOULDBLOCK = 11, EINTR = 4;

    private static final class H {
        static final MethodHandle OPEN = Native.libcErrno("open", FunctionDescriptor.of(INT, ValueLayout.ADDRESS, INT));
        static final MethodHandle FLOCK = Native.libcErrno("flock", FunctionDescriptor.of(INT, INT, INT));
        static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(INT, INT));
    }

    private final Path dir;
    private int fd;

    private PinDirLock(Path dir, int fd) {
        this.dir = dir;
        this.fd = fd;
    }

    /**
     * Creates {@code dir} if needed and locks it without waiting.
     *
     * @throws PinDirLockedException when another open file (another process, or another lock of this one) holds it;
     *                               the message names the holder's pid and command line when {@code /proc} shows them
     * @throws BpfException          when the directory cannot be opened or locked for another reason (errno and operation)
     */
    public static PinDirLock acquire(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + " to lock it", e);
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) H.OPEN.invokeExact(Native.captureSegment(), arena.allocateFrom(dir.toString()),
                    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) throw BpfException.of("lock directory " + dir + ": open", Native.capturedErrno());
            int r;
            do {
                r = (int) H.FLOCK.invokeExact(Native.captureSegment(), fd, LOCK_EX | LOCK_NB);
            } while (r != 0 && Native.capturedErrno() == EINTR);
            if (r == 0) return new PinDirLock(dir, fd);
            int errno = Native.capturedErrno();
            int ignored = (int) H.CLOSE.invokeExact(fd);
            if (errno != EWOULDBLOCK) throw BpfException.of("lock directory " + dir + ": flock", errno);
            Optional<Long> holder = holder(dir);
            throw new PinDirLockedException(dir, holder.orElse(-1L), "directory " + dir + " is locked by "
                    + holder.map(pid -> "pid " + pid + describe(pid)).orElse("a process whose pid is not visible from here")
                    + "; stop that process or use another directory");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * The pid holding a flock on {@code dir}, from {@code /proc/locks} matched by inode; empty when none is visible
     * (no lock, or the holder is in another pid namespace).
     */
    public static Optional<Long> holder(Path dir) {
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
            // best effort: the caller then says the pid is unknown
        }
        return Optional.empty();
    }

    private static String describe(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine())
                .map(c -> " (" + c.substring(0, Math.min(200, c.length())) + ")").orElse("");
    }

    /** The locked directory. */
    public Path directory() {
        return dir;
    }

    /** Whether the lock is still held by this object. */
    public synchronized boolean isHeld() {
        return fd >= 0;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public synchronized void close() {
        if (fd < 0) return;
        try {
            int ignored = (int) H.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        } finally {
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "PinDirLock[" + dir + (isHeld() ? "" : ", released") + "]";
    }
}
