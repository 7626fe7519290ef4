package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.internal.Interfaces;
import dev.ebpf4j.k8s.observe.Addresses;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Host routes ({@code /32} and {@code /128}) of the calling namespace's main table, by destination: the interface a
 * CNI routes a local pod address to (its host-side veth). Read from {@code /proc/net/route} and
 * {@code /proc/net/ipv6_route} of the calling thread's namespace.
 */
final class HostRoutes {
    private HostRoutes() {}

    /** Destination address (as {@link Addresses#text(byte[])} prints it) to the interface of its host route. */
    static Map<String, Interfaces.Interface> read() {
        Map<String, Interfaces.Interface> out = new HashMap<>();
        // Iface Destination Gateway Flags RefCnt Use Metric Mask ...; addresses as little-endian hex of the raw u32
        for (String line : lines(Path.of("/proc/thread-self/net/route"), 1)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[7].equalsIgnoreCase("FFFFFFFF") || f[1].length() != 8) continue;
            byte[] raw = HexFormat.of().parseHex(f[1]);
            device(f[0]).ifPresent(d -> out.putIfAbsent(address(new byte[] {raw[3], raw[2], raw[1], raw[0]}), d));
        }
        // dest dest_len src src_len next_hop metric refcnt use flags iface
        for (String line : lines(Path.of("/proc/thread-self/net/ipv6_route"), 0)) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[1].equals("80") || f[9].equals("lo")) continue;
            device(f[9]).ifPresent(d -> out.putIfAbsent(address(HexFormat.of().parseHex(f[0])), d));
        }
        return out;
    }

    private static Optional<Interfaces.Interface> device(String name) {
        int index = Interfaces.index(name);
        return index == 0 ? Optional.empty() : Optional.of(new Interfaces.Interface(index, name));
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
