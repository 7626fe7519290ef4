package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.Libc;
import dev.ebpf4j.programs.internal.LinkCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * A program the kernel already holds, opened by its id or its pin rather than loaded from an object: an fd that keeps
 * it loaded while open. What a pinned link's {@link LinkInfo#programId()} leads to, so that a {@link BpfLink} can be
 * {@linkplain BpfLink#update(KernelProgram) switched back} to it.
 *
 * {@snippet class="dev.ebpf4j.programs.PackageSnippets" region="kernel-program"}
 *
 * <p>Thread-safe; {@link #close()} is idempotent. Opening by id needs CAP_SYS_ADMIN.
 */
public final class KernelProgram implements AutoCloseable {
    private static final MethodHandle FD_BY_ID = Native.downcall("bpf_prog_get_fd_by_id",
            FunctionDescriptor.of(Native.C_INT, Native.C_INT));

    private final int fd;
    private final int id;
    private boolean closed;

    private KernelProgram(int fd) {
        this.fd = fd;
        int programId;
        try {
            programId = Program.programId(fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        this.id = programId;
    }

    /**
     * Opens the program with kernel id {@code id}.
     *
     * @throws BpfException ENOENT when no program has that id (any more)
     */
    public static KernelProgram openById(int id) {
        int fd = Calls.raw(() -> (int) FD_BY_ID.invokeExact(id));
        if (fd < 0) {
            throw BpfException.of("program open by id " + id, fd, -fd == Errno.ENOENT ? "no program has that id (any more)" : null);
        }
        return new KernelProgram(fd);
    }

    /** Opens the program pinned at {@code path}. */
    public static KernelProgram openPinned(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path.toString());
            int fd = Calls.raw(() -> (int) LinkCalls.OBJ_GET.invokeExact(p));
            if (fd < 0) {
                throw BpfException.of("program open pinned " + path, fd, -fd == Errno.ENOENT ? "nothing is pinned there" : null);
            }
            return new KernelProgram(fd);
        }
    }

    /** The kernel's id of the program. */
    public int id() {
        return id;
    }

    /** The fd; {@link IllegalStateException} once closed. */
    public synchronized int fd() {
        if (closed) throw new IllegalStateException("program " + id + " is closed");
        return fd;
    }

    /** Releases the fd: the program is unloaded unless a link, pin or other fd still holds it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Libc.close(fd);
    }

    @Override
    public synchronized String toString() {
        return "KernelProgram[id " + id + (closed ? ", closed" : "") + "]";
    }
}
