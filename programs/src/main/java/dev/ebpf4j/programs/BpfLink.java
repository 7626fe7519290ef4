package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;
import dev.ebpf4j.programs.internal.Libc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A kernel {@code bpf_link}: the program stays attached while any fd of the link is open or the link is pinned.
 * {@link #pin(Path)} makes it outlive this process; {@link Link#openPinned(Path)} opens it again later.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class BpfLink implements Link {
    private final int fd;
    private final int perfEventFd;
    private volatile Path pinPath;
    private boolean closed;

    BpfLink(int fd, int perfEventFd) {
        this.fd = fd;
        this.perfEventFd = perfEventFd;
    }

    /** {@code bpf_link_create}; {@code opts} may be NULL. */
    static BpfLink create(String operation, int progFd, int target, AttachType type, MemorySegment opts) {
        int fd = Calls.raw(() -> (int) LinkCalls.LINK_CREATE.invokeExact(progFd, target, type.value(), opts));
        if (fd < 0) throw failure(operation, fd);
        return new BpfLink(fd, -1);
    }

    static BpfException failure(String operation, int err) {
        int e = Math.abs(err);
        if (e == Errno.EINVAL || e == Errno.EOPNOTSUPP || e == Errno.ENOTSUPP) {
            return BpfException.of(operation, err, "the kernel rejected the link: the program's expected attach type "
                    + "may not match, or this kernel lacks this link type");
        }
        return BpfException.of(operation, err);
    }

    static BpfLink openPinned(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path.toString());
            int fd = Calls.check("open pinned link " + path, () -> (int) LinkCalls.OBJ_GET.invokeExact(p));
            BpfLink link = new BpfLink(fd, -1);
            link.pinPath = path;
            return link;
        }
    }

    /** The link fd. */
    public int fd() {
        checkOpen();
        return fd;
    }

    /** Pins the link on bpffs: it then stays attached after this process exits, until {@link #unpin()}. */
    public synchronized void pin(Path path) {
        checkOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path.toString());
            Calls.check("pin link at " + path, () -> (int) LinkCalls.OBJ_PIN.invokeExact(fd, p));
        }
        pinPath = path;
    }

    /** Removes the pin; closing the link then detaches it. */
    public void unpin() {
        Path p = pinPath;
        if (p == null) throw new IllegalStateException("link is not pinned (pin(path) or Link.openPinned(path) first)");
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove link pin " + p, e);
        }
        pinPath = null;
    }

    /** The pin path, if pinned through this object. */
    public Optional<Path> pinPath() {
        return Optional.ofNullable(pinPath);
    }

    /** Detaches the program now even when the link is pinned or shared; the fd stays open (info still works). */
    public synchronized void detach() {
        checkOpen();
        Calls.check("link detach", () -> (int) LinkCalls.LINK_DETACH.invokeExact(fd));
    }

    @Override
    public synchronized LinkInfo info() {
        checkOpen();
        return LinkInfoReader.read(fd);
    }

    @Override
    public synchronized void update(Program program) {
        update(program.fd(), program.name());
    }

    /**
     * Switches the link to a program opened by id or pin, atomically (the hook runs the old program or the new one,
     * never none): how a rollback puts back the program a pinned link ran before.
     */
    public synchronized void update(KernelProgram program) {
        update(program.fd(), "to program id " + program.id());
    }

    private void update(int progFd, String what) {
        checkOpen();
        int r = Calls.raw(() -> (int) LinkCalls.LINK_UPDATE.invokeExact(fd, progFd, MemorySegment.NULL));
        if (r == -Errno.EOPNOTSUPP || r == -Errno.ENOTSUPP || (r == -Errno.EINVAL && !info().type().supportsUpdate())) {
            throw NotSupportedException.missing("link update", "updating a " + info().type() + " link", null);
        }
        if (r < 0) throw BpfException.of("link update " + what, r);
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Libc.close(fd);
        Libc.close(perfEventFd);
    }

    private synchronized void checkOpen() {
        if (closed) throw new IllegalStateException("link is closed");
    }

    @Override
    public String toString() {
        return closed ? "BpfLink[closed]" : "BpfLink[fd " + fd + (pinPath == null ? "" : ", pinned " + pinPath) + "]";
    }
}
