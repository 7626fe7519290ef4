package dev.ebpf4j.programs.packet;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Builder and parser without a kernel; checksums checked against an independent implementation and known vectors. */
class PacketsTest {
    private static final String A = "02:00:00:00:00:01", B = "02:00:00:00:00:02";

    /** An independent RFC 1071 sum: 32-bit accumulation over a buffer, then folding. */
    private static int reference(byte[] data) {
        int sum = 0;
        for (int i = 0; i < data.length; i += 2) {
            int hi = data[i] & 0xFF, lo = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
            sum += (hi << 8) + lo;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    private static byte[] pseudo(byte[] src, byte[] dst, int proto, byte[] segment) {
        boolean v6 = src.length == 16;
        byte[] p = new byte[(v6 ? 40 : 12) + segment.length];
        System.arraycopy(src, 0, p, 0, src.length);
        System.arraycopy(dst, 0, p, src.length, dst.length);
        int at = src.length * 2;
        if (v6) {
            p[at] = (byte) (segment.length >>> 24); p[at + 1] = (byte) (segment.length >>> 16);
            p[at + 2] = (byte) (segment.length >>> 8); p[at + 3] = (byte) segment.length; p[at + 7] = (byte) proto;
            at += 8;
        } else {
            p[at + 1] = (byte) proto; p[at + 2] = (byte) (segment.length >>> 8); p[at + 3] = (byte) segment.length;
            at += 4;
        }
        System.arraycopy(segment, 0, p, at, segment.length);
        return p;
    }

    @Test
    void ipv4HeaderChecksumMatchesAKnownVector() {
        // RFC 1071-style example header (Wikipedia "IPv4 header checksum"): checksum 0xB861.
        byte[] h = HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7");
        assertEquals(0xB861, Checksums.internet(h, 0, h.length));
        assertEquals(0xB861, reference(h));
    }

    @Test
    void udpOverIpv4WithVlan() throws Exception {
        byte[] f = Packets.ethernet(A, B).vlan(100).vlan(200).ipv4("10.0.0.1", "10.0.0.2").ttl(7).udp(40000, 53)
                .payload("hello".getBytes()).build();
        assertEquals(14 + 8 + 20 + 8 + 5, f.length);
        byte[] ip = java.util.Arrays.copyOfRange(f, 22, 42);
        assertEquals(0, reference(ip), "IPv4 header sums to zero with its checksum");
        byte[] udp = java.util.Arrays.copyOfRange(f, 42, f.length);
        assertEquals(0, reference(pseudo(InetAddress.getByName("10.0.0.1").getAddress(),
                InetAddress.getByName("10.0.0.2").getAddress(), 17, udp)), "UDP checksum verifies independently");

        ParsedPacket p = ParsedPacket.parse(f);
        assertEquals(A, p.sourceMac());
        assertEquals(B, p.destinationMac());
        assertEquals(List.of(100, 200), p.vlans());
        assertEquals(0x0800, p.etherType());
        ParsedPacket.Ip h = p.ip().orElseThrow();
        assertEquals(4, h.version());
        assertEquals(InetAddress.getByName("10.0.0.2"), h.destination());
        assertEquals(7, h.ttl());
        assertTrue(h.checksumValid());
        ParsedPacket.Transport t = p.l4().orElseThrow();
        assertEquals(40000, t.sourcePort());
        assertEquals(53, t.destinationPort());
        assertTrue(t.checksumValid());
        assertArrayEquals("hello".getBytes(), p.payload());
    }

    @Test
    void tcpOverIpv6() throws Exception {
        byte[] f = Packets.ethernet(A, B).ipv6("fd00::1", "fd00::2").tcp(1234, 80, Packets.TCP_SYN, 1000)
                .payload(new byte[] {1, 2, 3}).build();
        byte[] tcp = java.util.Arrays.copyOfRange(f, 54, f.length);
        assertEquals(0, reference(pseudo(InetAddress.getByName("fd00::1").getAddress(),
                InetAddress.getByName("fd00::2").getAddress(), 6, tcp)));
        ParsedPacket p = ParsedPacket.parse(f);
        assertEquals(0x86DD, p.etherType());
        assertEquals(6, p.ip().orElseThrow().version());
        assertEquals(Packets.TCP_SYN, p.l4().orElseThrow().flags());
        assertEquals(80, p.l4().orElseThrow().destinationPort());
        assertTrue(p.l4().orElseThrow().checksumValid());
        assertEquals(3, p.payload().length);
    }

    @Test
    void icmpAndIcmpv6Echo() throws Exception {
        byte[] v4 = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").icmpEcho(7, 1).payload(new byte[5]).build();
        assertEquals(0, reference(java.util.Arrays.copyOfRange(v4, 34, v4.length)), "ICMP has no pseudo-header");
        ParsedPacket p4 = ParsedPacket.parse(v4);
        assertEquals(8, p4.l4().orElseThrow().icmpType());
        assertTrue(p4.l4().orElseThrow().checksumValid());

        byte[] v6 = Packets.ethernet(A, B).ipv6("fd00::1", "fd00::2").icmpEcho(7, 1).build();
        assertEquals(0, reference(pseudo(InetAddress.getByName("fd00::1").getAddress(),
                InetAddress.getByName("fd00::2").getAddress(), 58, java.util.Arrays.copyOfRange(v6, 54, v6.length))));
        ParsedPacket p6 = ParsedPacket.parse(v6);
        assertEquals(Packets.ICMPV6, p6.l4().orElseThrow().protocol());
        assertEquals(128, p6.l4().orElseThrow().icmpType());
        assertTrue(p6.l4().orElseThrow().checksumValid());
    }

    @Test
    void parserDetectsACorruptedChecksum() {
        byte[] f = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).payload(new byte[] {9}).build();
        f[f.length - 1] ^= 0x55;
        assertFalse(ParsedPacket.parse(f).l4().orElseThrow().checksumValid());
        f[24] ^= 0x01; // IPv4 header byte
        assertFalse(ParsedPacket.parse(f).ip().orElseThrow().checksumValid());
    }

    @Test
    void misuseIsRejected() {
        assertThrows(IllegalStateException.class, () -> Packets.ethernet(A, B).udp(1, 2));
        assertThrows(IllegalArgumentException.class, () -> Packets.ethernet(A, B).ipv4("fd00::1", "10.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> Packets.ethernet(A, B).ipv4("example.com", "10.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> ParsedPacket.parse(new byte[10]));
    }
}
