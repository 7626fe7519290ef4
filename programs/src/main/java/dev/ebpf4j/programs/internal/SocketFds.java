package dev.ebpf4j.programs.internal;

import dev.ebpf4j.core.internal.libbpf.Native;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the fd of a Java channel without reaching into {@code sun.nio.ch} (not exported): every socket fd of this
 * process is asked for its local address with {@code getsockname}, and the one matching the channel's is it.
 */
public final class SocketFds {
    private static final MethodHandle GETSOCKNAME = Native.libc("getsockname",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final short AF_INET = 2, AF_INET6 = 10;

    private SocketFds() {}

    /** The fd of a bound channel of this process. */
    public static int find(NetworkChannel channel) {
        SocketAddress local;
        try {
            local = channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the channel's local address", e);
        }
        if (!(local instanceof InetSocketAddress want)) {
            throw new IllegalArgumentException("the channel must be bound to an IP address (bind it first, or attach by fd)");
        }
        List<Integer> matches = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // closed while listing
                }
                if (!target.startsWith("socket:")) continue;
                int fd = Integer.parseInt(p.getFileName().toString());
                if (want.equals(localAddress(fd))) matches.add(fd);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc/self/fd", e);
        }
        if (matches.size() != 1) {
            throw new IllegalArgumentException(matches.isEmpty() ? "no socket of this process is bound to " + want
                    : "sockets " + matches + " are all bound to " + want + "; attach by fd instead");
        }
        return matches.getFirst();
    }

    /** What {@code /proc/self/fd/N} points to, such as {@code socket:[1234]}, or "" when the fd is closed. */
    public static String identity(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static InetSocketAddress localAddress(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(128);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 128);
            int r = (int) GETSOCKNAME.invokeExact(fd, addr, len);
            if (r < 0) return null;
            short family = addr.get(ValueLayout.JAVA_SHORT, 0);
            int port = Short.toUnsignedInt(Short.reverseBytes(addr.get(ValueLayout.JAVA_SHORT, 2)));
            byte[] ip;
            if (family == AF_INET) ip = addr.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE);
            else if (family == AF_INET6) ip = addr.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
            else return null;
            InetAddress a = InetAddress.getByAddress(ip);
            // The JDK reports IPv4-mapped addresses of dual-stack sockets as IPv4.
            if (family == AF_INET6 && isMapped(ip)) a = InetAddress.getByAddress(Arrays.copyOfRange(ip, 12, 16));
            return new InetSocketAddress(a, port);
        } catch (IOException e) {
            return null;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static boolean isMapped(byte[] ip) {
        for (int i = 0; i < 10; i++) if (ip[i] != 0) return false;
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff;
    }

}
