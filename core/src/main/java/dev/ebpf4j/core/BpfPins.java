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

/**
 * Moving and removing pins in bpffs, each in one step: {@link #rename} (fails if the target exists), {@link #replace}
 * (atomically swaps what a path names: readers see the old object or the new one, never nothing) and {@link #unpin}.
 * They work on pinned maps, programs and links alike, and on directories of pins. Pinning is on the object
 * ({@code BpfMap.pin}, {@code BpfLink.pin}), or {@link #pin(MapHandle, Path)} for any map of a loaded object, whatever
 * its type, and {@link #pin(ProgramHandle, Path)} for a loaded program (which a successor can then open with CAP_BPF
 * alone, where opening it by id needs CAP_SYS_ADMIN).
 *
 * {@snippet class="dev.ebpf4j.core.PackageSnippets" region="pins"}
 *
 * <p>Both paths must be on the same bpffs mount. Errors are {@link BpfException}s naming the operation and errno.
 */
public final class BpfPins {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final int AT_FDCWD = -100, RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;

    private static final class H {
        static final MethodHandle OBJ_PIN = Native.downcall("bpf_obj_pin", FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS));
        static final MethodHandle RENAMEAT2 = Native.libcErrno("renameat2",
                FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, INT, ValueLayout.ADDRESS, INT));
    }

    private BpfPins() {}

    /**
     * Pins a map of a loaded object at {@code path} (in addition to any pin it was loaded with; {@link MapHandle#pinPath()}
     * keeps naming that one). Works for every map type, ring buffers and map-in-maps included.
     *
     * @throws BpfException EEXIST when something is pinned there, ENOENT when the directory is missing, EPERM off bpffs
     */
    public static void pin(MapHandle map, Path path) {
        pin(map.fd(), "map pin " + map.name(), path);
    }

    /**
     * Pins a loaded program at {@code path}: it stays loaded while pinned, and a process holding only CAP_BPF can open
     * it from there ({@code KernelProgram.openPinned}); opening a program by id needs CAP_SYS_ADMIN.
     *
     * @throws BpfException EEXIST when something is pinned there, ENOENT when the directory is missing, EPERM off bpffs
     * @throws IllegalStateException when the program is not loaded
     */
    public static void pin(ProgramHandle program, Path path) {
        pin(program.fd(), "program pin " + program.name(), path);
    }

    private static void pin(int fd, String operation, Path path) {
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) H.OBJ_PIN.invokeExact(fd, arena.allocateFrom(path.toString()));
            if (r == 0) return;
            throw BpfException.of(operation + " at " + path, r, switch (-r) {
                case Errno.EEXIST -> "something is already pinned there; unpin it or choose another path";
                case Errno.ENOENT -> "the directory does not exist";
                case Errno.EPERM -> "the path must be on a bpffs mount (mount -t bpf bpf /sys/fs/bpf)";
                default -> null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * Renames the pin (or directory of pins) {@code from} to {@code to} in one step.
     *
     * @throws BpfException EEXIST when {@code to} exists, ENOENT when {@code from} does not, EXDEV across mounts
     */
    public static void rename(Path from, Path to) {
        renameat2(from, to, RENAME_NOREPLACE, "pin rename");
    }

    /**
     * Points {@code to} at what {@code from} pins, in one step, and removes {@code from}: a process opening {@code to}
     * meanwhile gets the old object or the new one. The old object is unpinned (and freed if nothing else holds it).
     * For directories, {@code to} must be empty or absent (rename(2) semantics); use {@link #exchange} to swap full ones.
     */
    public static void replace(Path from, Path to) {
        renameat2(from, to, 0, "pin replace");
    }

    /** Swaps the two pins (or directories of pins) in one step; both must exist. */
    public static void exchange(Path a, Path b) {
        renameat2(a, b, RENAME_EXCHANGE, "pin exchange");
    }

    /** Removes the pin at {@code path}; true if there was one. The object lives on while an fd, link or other pin holds it. */
    public static boolean unpin(Path path) {
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpin " + path, e);
        }
    }

    private static void renameat2(Path from, Path to, int flags, String operation) {
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) H.RENAMEAT2.invokeExact(Native.captureSegment(), AT_FDCWD, arena.allocateFrom(from.toString()),
                    AT_FDCWD, arena.allocateFrom(to.toString()), flags);
            if (r == 0) return;
            int errno = Native.capturedErrno();
            throw BpfException.of(operation + " " + from + " -> " + to, errno, switch (errno) {
                case Errno.EEXIST, Errno.ENOTEMPTY -> to + " already exists; unpin it first or use replace";
                case Errno.ENOENT -> "nothing is pinned at " + from + " (or the target's directory is missing)";
                case 18 -> "both paths must be on the same bpffs mount";
                default -> null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
