package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.programs.internal.Libc;
import dev.ebpf4j.programs.internal.SocketFds;

import java.util.Map;

/**
 * A socket filter attached with {@code SO_ATTACH_BPF}. The socket stays the caller's: close detaches
 * ({@code SO_DETACH_BPF}) only while the fd still refers to the same socket, and does nothing if it was closed.
 */
public final class SocketFilterLink implements Link {
    private final int socketFd;
    private final String socket;
    private final int programId;
    private boolean closed;

    SocketFilterLink(int socketFd, int programId) {
        this.socketFd = socketFd;
        this.socket = SocketFds.identity(socketFd);
        this.programId = programId;
    }

    @Override
    public synchronized LinkInfo info() {
        if (closed) throw new IllegalStateException("socket filter attachment is closed");
        return new LinkInfo(LinkType.SOCKET_FILTER, 0, programId, Map.of("fd", socketFd, "socket", socket));
    }

    @Override
    public void update(Program program) {
        throw NotSupportedException.missing("socket filter update",
                "atomic update of a socket filter (attach the new program: SO_ATTACH_BPF replaces the old one)", null);
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (!socket.equals(SocketFds.identity(socketFd))) return; // the socket is gone, and its filter with it
        try {
            Libc.setsockoptInt(socketFd, Libc.SOL_SOCKET, Libc.SO_DETACH_BPF, 0, "SO_DETACH_BPF");
        } catch (BpfException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
    }
}
