package dev.ebpf4j.k8s.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Host routes ({@code /32} and {@code /128}) of the calling namespace's main table, by destination: the interface a
 * CNI routes a local pod address to (its host-side veth). Read from {@code /proc/net/route} and
 * {@code /proc/net/ipv6_route} of the calling thread's namespace.
 */
final class HostRoutes {
    private HostRoutes() {}

    /** Destination address (as {@link Addresses#text} prints it) to {@code name(ifindex)}. */
    static Map<String, String> read() {
        Map<String, String> out = new HashMap<>();
        // Iface Destination Gateway Flags RefCnt Use Metric Mask ...; addresses as little-endian hex of the raw u32
        for (String line : lines(Path.of("/proc/thread-self/net/route"), 1)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[7].equalsIgnoreCase("FFFFFFFF") || f[1].length() != 8) continue;
            byte[] raw = HexFormat.of().parseHex(f[1]);
            out.putIfAbsent(address(new byte[] {raw[3], raw[2], raw[1], raw[0]}), device(f[0]));
        }
        // dest dest_len src src_len next_hop metric refcnt use flags iface
        for (String line : lines(Path.of("/proc/thread-self/net/ipv6_route"), 0)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[1].equals("80") || f[9].equals("lo")) continue;
            out.putIfAbsent(address(HexFormat.of().parseHex(f[0])), device(f[9]));
        }
        return out;
    }

    private static String device(String name) {
        try {
            return name + "(" + dev.ebpf4j.programs.internal.Libc.ifindex(name) + ")";
        } catch (IllegalArgumentException gone) {
            return name;
        }
    }

    private static String address(byte[] raw) {
        return Addresses.text(raw);
    }

    private static List<String> lines(Path p, int header) {
        try {
            return Files.exists(p) ? Files.readAllLines(p).stream().skip(header).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
