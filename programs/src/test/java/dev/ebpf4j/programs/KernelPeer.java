package dev.ebpf4j.programs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;

/** {@code getpeername(2)} and {@code getsockname(2)} of a socket fd, bypassing the JDK's cached addresses. */
final class KernelPeer {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPEERNAME = LINKER.downcallHandle(LINKER.defaultLookup().find("getpeername").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle GETSOCKNAME = LINKER.downcallHandle(LINKER.defaultLookup().find("getsockname").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private KernelPeer() {}

    static String of(int fd) throws Exception {
        return name(fd, GETPEERNAME);
    }

    /** The kernel's local address of the socket. */
    static String local(int fd) throws Exception {
        return name(fd, GETSOCKNAME);
    }

    private static String name(int fd, MethodHandle call) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(28); // sockaddr_in6 is the larger of the two
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 28);
            int r;
            try {
                r = (int) call.invokeExact(fd, addr, len);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (r < 0) throw new IllegalStateException("getpeername/getsockname failed");
            int port = Short.toUnsignedInt(Short.reverseBytes(addr.get(ValueLayout.JAVA_SHORT, 2)));
            boolean v6 = addr.get(ValueLayout.JAVA_SHORT, 0) == 10; // AF_INET6
            byte[] ip = (v6 ? addr.asSlice(8, 16) : addr.asSlice(4, 4)).toArray(ValueLayout.JAVA_BYTE);
            String host = InetAddress.getByAddress(ip).getHostAddress();
            return (v6 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
