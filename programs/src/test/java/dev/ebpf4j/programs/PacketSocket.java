package dev.ebpf4j.programs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** A raw {@code AF_PACKET} socket made with libc (the JDK has none), for socket filter tests; close it. */
final class PacketSocket implements AutoCloseable {
    private static final Linker L = Linker.nativeLinker();
    private static final MethodHandle SOCKET = fn("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = fn("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = fn("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final int AF_PACKET = 17, SOCK_RAW = 3, ETH_P_ALL_BE = 0x0300, SOL_SOCKET = 1, SO_RCVTIMEO = 20;
    final int fd;

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return L.downcallHandle(L.defaultLookup().find(name).orElseThrow(), d);
    }

    /** Opens a packet socket for every protocol in the calling thread's namespace, with a 300 ms receive timeout. */
    PacketSocket() throws Throwable {
        fd = (int) SOCKET.invokeExact(AF_PACKET, SOCK_RAW, ETH_P_ALL_BE);
        if (fd < 0) throw new IllegalStateException("socket(AF_PACKET) failed");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tv = arena.allocate(16);
            tv.set(ValueLayout.JAVA_LONG, 8, 300_000); // tv_usec
            if ((int) SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) < 0) throw new IllegalStateException("SO_RCVTIMEO");
        }
    }

    /** Receives frames until the timeout; returns the last byte of each. */
    java.util.List<Integer> lastBytes() throws Throwable {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(2048);
            long n;
            while ((n = (long) RECV.invokeExact(fd, buf, 2048L, 0)) > 0) out.add(buf.get(ValueLayout.JAVA_BYTE, n - 1) & 0xFF);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
