package dev.ebpf4j.programs.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A frame parsed into the fields tests assert on: Ethernet, VLAN tags, IPv4/IPv6, and TCP/UDP/ICMP/ICMPv6, with each
 * checksum verified.
 *
 * {@snippet :
 * ParsedPacket p = ParsedPacket.parse(run.output());
 * assertEquals(8080, p.l4().orElseThrow().destinationPort());
 * assertTrue(p.ip().orElseThrow().checksumValid());
 * }
 *
 * @param sourceMac      source MAC, {@code "02:00:00:00:00:01"}
 * @param destinationMac destination MAC
 * @param vlans          VLAN ids, outermost first
 * @param etherType      the EtherType after the VLAN tags
 * @param ip             the IP header, if IPv4 or IPv6
 * @param l4             the transport header, if TCP, UDP, ICMP or ICMPv6
 * @param payload        the bytes after the last parsed header
 */
public record ParsedPacket(String sourceMac, String destinationMac, List<Integer> vlans, int etherType,
                           Optional<Ip> ip, Optional<Transport> l4, byte[] payload) {

    /**
     * An IP header.
     *
     * @param version       4 or 6
     * @param checksumValid always true for IPv6 (no header checksum)
     */
    public record Ip(int version, InetAddress source, InetAddress destination, int protocol, int ttl, int totalLength,
                     boolean checksumValid) {}

    /**
     * A transport header; ports are 0 for ICMP, ICMP type and code are 0 for TCP and UDP.
     *
     * @param flags TCP flags
     */
    public record Transport(int protocol, int sourcePort, int destinationPort, int flags, int icmpType, int icmpCode,
                            boolean checksumValid) {}

    /** Parses a frame; throws {@link IllegalArgumentException} naming the layer that is truncated. */
    public static ParsedPacket parse(byte[] f) {
        need(f, 14, "Ethernet header");
        HexFormat hex = HexFormat.ofDelimiter(":");
        String dst = hex.formatHex(f, 0, 6), src = hex.formatHex(f, 6, 12);
        int at = 12;
        int type = u16(f, at);
        List<Integer> vlans = new ArrayList<>();
        while (type == 0x8100 || type == 0x88A8) {
            need(f, at + 6, "VLAN tag");
            vlans.add(u16(f, at + 2) & 0x0FFF);
            at += 4;
            type = u16(f, at);
        }
        at += 2;
        Optional<Ip> ip = Optional.empty();
        Optional<Transport> l4 = Optional.empty();
        int end = f.length;
        if (type == 0x0800 || type == 0x86DD) {
            boolean v4 = type == 0x0800;
            need(f, at + (v4 ? 20 : 40), v4 ? "IPv4 header" : "IPv6 header");
            int headerLength = v4 ? (f[at] & 0x0F) * 4 : 40;
            // The IHL field is read from the frame: it may claim fewer than 20 bytes or more than the frame holds.
            if (headerLength < 20) throw new IllegalArgumentException("IPv4 header length " + headerLength + " is below 20");
            need(f, at + headerLength, "IPv4 header with options");
            int protocol = v4 ? f[at + 9] & 0xFF : f[at + 6] & 0xFF;
            int total = v4 ? u16(f, at + 2) : 40 + u16(f, at + 4);
            end = Math.min(f.length, at + total);
            byte[] s = Arrays.copyOfRange(f, at + (v4 ? 12 : 8), at + (v4 ? 16 : 24));
            byte[] d = Arrays.copyOfRange(f, at + (v4 ? 16 : 24), at + (v4 ? 20 : 40));
            ip = Optional.of(new Ip(v4 ? 4 : 6, address(s), address(d), protocol, f[at + (v4 ? 8 : 7)] & 0xFF, total,
                    !v4 || Checksums.internet(f, at, headerLength) == 0));
            at += headerLength;
            int length = end - at;
            if (protocol == Packets.UDP || protocol == Packets.TCP || protocol == Packets.ICMP || protocol == Packets.ICMPV6) {
                int l4Header = protocol == Packets.TCP ? 20 : 8;
                need(f, at + l4Header, "transport header");
                boolean valid;
                if (protocol == Packets.ICMP) valid = Checksums.internet(f, at, length) == 0;
                else if (protocol == Packets.UDP && u16(f, at + 6) == 0 && v4) valid = true; // no checksum sent
                else valid = Checksums.transport(s, d, protocol, f, at, length) == 0;
                boolean ports = protocol == Packets.UDP || protocol == Packets.TCP;
                if (protocol == Packets.TCP) l4Header = Math.max(20, ((f[at + 12] & 0xF0) >> 4) * 4);
                l4 = Optional.of(new Transport(protocol, ports ? u16(f, at) : 0, ports ? u16(f, at + 2) : 0,
                        protocol == Packets.TCP ? f[at + 13] & 0xFF : 0, ports ? 0 : f[at] & 0xFF,
                        ports ? 0 : f[at + 1] & 0xFF, valid));
                at += l4Header;
            }
        }
        return new ParsedPacket(src, dst, List.copyOf(vlans), type, ip, l4, Arrays.copyOfRange(f, Math.min(at, end), end));
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void need(byte[] f, int length, String what) {
        if (f.length < length) throw new IllegalArgumentException("frame of " + f.length + " bytes is too short for the " + what);
    }

    private static int u16(byte[] f, int at) {
        return ((f[at] & 0xFF) << 8) | (f[at + 1] & 0xFF);
    }
}
