package dev.ebpf4j.programs;

import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.programs.internal.Libc;
import dev.ebpf4j.programs.internal.SocketFds;

import java.nio.channels.NetworkChannel;

/**
 * A socket filter: decides how much of each packet a socket receives (0 drops it). Attaches with
 * {@code SO_ATTACH_BPF} to a Java channel or to any socket fd (for example an {@code AF_PACKET} socket).
 *
 * {@snippet :
 * try (DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 9000));
 *      Link link = SocketFilterProgram.of(obj.program("drop_odd")).attach(ch)) {
 *     // ch now only receives what drop_odd accepts
 * }
 * }
 */
public final class SocketFilterProgram extends Program {
    private SocketFilterProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code socket_filter} program. */
    public static SocketFilterProgram of(ProgramHandle handle) {
        return new SocketFilterProgram(require(handle, "socket filter", ProgramType.SOCKET_FILTER));
    }

    /**
     * Attaches to a bound Java channel. The JDK does not expose a channel's fd, so it is found by matching the
     * channel's local address against this process's sockets ({@code getsockname} on each socket fd); the channel
     * must be bound, and no other socket of this process may share its address.
     */
    public Link attach(NetworkChannel channel) {
        return attach(SocketFds.find(channel));
    }

    /** Attaches to a socket fd; the caller keeps owning the socket. */
    public Link attach(int socketFd) {
        Libc.setsockoptInt(socketFd, Libc.SOL_SOCKET, Libc.SO_ATTACH_BPF, fd(), "SO_ATTACH_BPF " + name());
        return new SocketFilterLink(socketFd, id());
    }
}
