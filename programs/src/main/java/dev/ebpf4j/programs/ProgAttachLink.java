package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;
import dev.ebpf4j.programs.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * A program attached with {@code BPF_PROG_ATTACH} (cgroups with {@code BPF_F_ALLOW_MULTI}, sockmaps) on kernels
 * without a link for the hook. Close detaches exactly this program ({@code BPF_PROG_DETACH} names it).
 */
public final class ProgAttachLink implements Link {
    private static final int BPF_F_ALLOW_MULTI = 1 << 1;
    private final int progFd, targetFd, programId;
    private final AttachType type;
    private boolean closed;

    private ProgAttachLink(int progFd, int targetFd, AttachType type, int programId) {
        this.progFd = progFd;
        this.targetFd = targetFd;
        this.type = type;
        this.programId = programId;
    }

    static ProgAttachLink attach(String operation, Program program, int targetFd, AttachType type) {
        boolean cgroup = type.name().startsWith("CGROUP");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(32, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 32);
            opts.set(ValueLayout.JAVA_INT, 8, cgroup ? BPF_F_ALLOW_MULTI : 0);
            int pfd = program.fd();
            Calls.check(operation, () -> (int) LinkCalls.PROG_ATTACH_OPTS.invokeExact(pfd, targetFd, type.value(), opts));
        }
        return new ProgAttachLink(Libc.dup(program.fd(), "dup program fd"), Libc.dup(targetFd, "dup target fd"), type,
                program.id());
    }

    @Override
    public synchronized LinkInfo info() {
        if (closed) throw new IllegalStateException("attachment is closed");
        return new LinkInfo(LinkType.PROG_ATTACH, 0, programId, Map.of("attach_type", type));
    }

    @Override
    public void update(Program program) {
        throw NotSupportedException.missing("prog attach update", "updating a BPF_PROG_ATTACH attachment in place", null);
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(32, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 32);
            int r = Calls.raw(() -> (int) LinkCalls.PROG_DETACH_OPTS.invokeExact(progFd, targetFd, type.value(), opts));
            if (r < 0 && r != -Errno.ENOENT) throw BpfException.of("detach " + type, r);
        } finally {
            Libc.close(progFd);
            Libc.close(targetFd);
        }
    }
}
