package dev.ebpf4j.k8s.lb;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.nio.ByteOrder;

/**
 * IPv4 UDP sockets through socket(2), connect(2), getpeername(2) and close(2) called directly. Java's DatagramChannel
 * reports the address it was asked to connect to; getpeername(2) reports the one the kernel connected the socket to,
 * which is the backend the cgroup connect4 hook chose (as long as no getpeername4 hook translates it back). Each
 * instance reuses one confined buffer: use it from one thread.
 */
final class UdpConnects implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CONNECT = downcall("connect",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle GETPEERNAME = downcall("getpeername",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final int AF_INET = 2, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000, SOCKADDR_IN = 16;
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(CAPTURE);
    private final MemorySegment target = arena.allocate(SOCKADDR_IN);
    private final MemorySegment peer = arena.allocate(SOCKADDR_IN);
    private final MemorySegment peerLength = arena.allocate(ValueLayout.JAVA_INT);

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, Linker.Option.captureCallState("errno"));
    }

    /** Connections go to address:port. */
    UdpConnects(Inet4Address address, int port) {
        target.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        target.set(BE_SHORT, 2, (short) port);
        target.asSlice(4, 4).copyFrom(MemorySegment.ofArray(address.getAddress()));
    }

    /**
     * Opens a UDP socket, connects it to the target, and returns the peer the kernel connected it to as
     * {@code address << 16 | port} (address and port in host order); the socket stays open.
     *
     * @param fdOut receives the socket, for {@link #reconnect} and {@link #close(int)}
     */
    long open(int[] fdOut) {
        try {
            int fd = (int) SOCKET.invokeExact(state, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) throw failure("socket");
            try {
                long peerAddress = reconnect(fd);
                fdOut[0] = fd;
                return peerAddress;
            } catch (RuntimeException | Error e) {
                int ignored = (int) CLOSE.invokeExact(state, fd);
                throw e;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Connects socket fd to the target again (the connect hook chooses again, for the same socket cookie). */
    long reconnect(int fd) {
        try {
            if ((int) CONNECT.invokeExact(state, fd, target, SOCKADDR_IN) < 0) throw failure("connect");
            peerLength.set(ValueLayout.JAVA_INT, 0, SOCKADDR_IN);
            if ((int) GETPEERNAME.invokeExact(state, fd, peer, peerLength) < 0) throw failure("getpeername");
            return (peer.get(BE_INT, 4) & 0xffffffffL) << 16 | (peer.get(BE_SHORT, 2) & 0xffff);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** One selection: open, connect, read the peer, close. */
    long connectOnce() {
        int[] fd = new int[1];
        long peerAddress = open(fd);
        close(fd[0]);
        return peerAddress;
    }

    void close(int fd) {
        try {
            if ((int) CLOSE.invokeExact(state, fd) < 0) throw failure("close");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private IllegalStateException failure(String call) {
        return new IllegalStateException(call + ": errno " + (int) ERRNO.get(state, 0L));
    }

    @Override
    public void close() {
        arena.close();
    }
}
