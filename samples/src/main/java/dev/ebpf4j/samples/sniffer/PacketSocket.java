package dev.ebpf4j.samples.sniffer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A raw {@code AF_PACKET} socket for every protocol, made through libc because the JDK has none. It sees the frames
 * of every interface of the calling thread's network namespace, in both directions.
 */
final class PacketSocket implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = libc("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle RECVFROM = libc("recvfrom", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final int AF_PACKET = 17, SOCK_RAW = 3, SOL_SOCKET = 1, SO_RCVTIMEO = 20, MSG_DONTWAIT = 0x40;
    private static final int ETH_P_ALL_NETWORK_ORDER = 0x0300; // htons(ETH_P_ALL = 3)
    /** {@code sll_pkttype} value of frames this host sent. */
    static final int PACKET_OUTGOING = 4;

    private final int fd;
    private boolean closed;

    /** A frame and whether it was outgoing. */
    record Frame(byte[] bytes, boolean outgoing) {}

    private static MethodHandle libc(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d);
    }

    /** Opens the socket in the calling thread's namespace; receives give up after {@code timeoutMillis} of quiet. */
    PacketSocket(int timeoutMillis) {
        try {
            fd = (int) SOCKET.invokeExact(AF_PACKET, SOCK_RAW, ETH_P_ALL_NETWORK_ORDER);
            if (fd < 0) throw new IllegalStateException("socket(AF_PACKET) failed: needs CAP_NET_RAW");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment tv = arena.allocate(16);
                tv.set(ValueLayout.JAVA_LONG, 0, timeoutMillis / 1000);
                tv.set(ValueLayout.JAVA_LONG, 8, (timeoutMillis % 1000) * 1000L);
                if ((int) SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) < 0) {
                    throw new IllegalStateException("setsockopt(SO_RCVTIMEO) failed");
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The socket's fd, to attach a socket filter to. */
    int fd() {
        return fd;
    }

    /**
     * Throws away the frames already queued. A packet socket captures from creation on, so frames that arrived before
     * a filter was attached are unfiltered: call this once after attaching.
     */
    int discardQueued() {
        return receive(MSG_DONTWAIT).size();
    }

    /** Receives frames until the socket has been quiet for its timeout. */
    List<Frame> drain() {
        return receive(0);
    }

    private List<Frame> receive(int flags) {
        List<Frame> frames = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(65536), addr = arena.allocate(20), len = arena.allocate(ValueLayout.JAVA_INT);
            while (true) {
                len.set(ValueLayout.JAVA_INT, 0, 20);
                long n = (long) RECVFROM.invokeExact(fd, buf, 65536L, flags, addr, len);
                if (n <= 0) return frames;
                // struct sockaddr_ll: family(2) protocol(2) ifindex(4) hatype(2) pkttype(1) ...
                boolean outgoing = addr.get(ValueLayout.JAVA_BYTE, 10) == PACKET_OUTGOING;
                frames.add(new Frame(Arrays.copyOf(buf.toArray(ValueLayout.JAVA_BYTE), (int) n), outgoing));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
