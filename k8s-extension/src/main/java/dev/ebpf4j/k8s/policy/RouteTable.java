package dev.ebpf4j.k8s.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The calling thread's routes and addresses, read from {@code /proc/thread-self/net} (the thread's network namespace,
 * unlike {@code /proc/net}, which is the process's).
 */
final class RouteTable {
    private static final Path PROC = Path.of("/proc/thread-self/net");
    private static final int RTF_UP = 0x1;

    private RouteTable() {
    }

    /** @return every gateway-less host route ({@code /32}, {@code /128}) not on the loopback: address to device */
    static Map<InetAddress, String> hostRoutes() {
        Map<InetAddress, String> out = new LinkedHashMap<>();
        // Iface Destination Gateway Flags RefCnt Use Metric Mask ...; addresses as the kernel's u32 in host order.
        for (String line : lines("route")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || f[0].equals("Iface") || f[0].equals("lo")) continue;
            long flags = Long.parseLong(f[3], 16);
            if ((flags & RTF_UP) == 0 || !f[2].equals("00000000") || !f[7].equals("FFFFFFFF")) continue;
            out.put(address(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder())
                    .putInt((int) Long.parseLong(f[1], 16)).array()), f[0]);
        }
        // dest plen src splen nexthop metric refcnt use flags dev
        for (String line : lines("ipv6_route")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || f[9].equals("lo")) continue;
            long flags = Long.parseLong(f[8], 16);
            if ((flags & RTF_UP) == 0 || !f[1].equals("80") || !f[4].matches("0{32}")) continue;
            out.putIfAbsent(address(HexFormat.of().parseHex(f[0])), f[9]);
        }
        return out;
    }

    /** @return the addresses on the namespace's interfaces (the node's own addresses, loopback included) */
    static List<InetAddress> localAddresses() {
        Set<InetAddress> out = new LinkedHashSet<>();
        try {
            // The JDK enumerates IPv4 with a socket of the calling thread (its namespace) but IPv6 from /proc/net.
            for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) {
                i.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(out::add);
            }
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot list the node's addresses", e);
        }
        // address ifindex prefixlen scope flags name
        for (String line : lines("if_inet6")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6) out.add(address(HexFormat.of().parseHex(f[0])));
        }
        return List.copyOf(out);
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(PROC.resolve(file));
        } catch (NoSuchFileException e) {
            return List.of(); // no IPv6 in this kernel
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROC.resolve(file), e);
        }
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
