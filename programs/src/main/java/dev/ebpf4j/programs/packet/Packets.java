package dev.ebpf4j.programs.packet;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;

/**
 * Builds test frames layer by layer, with lengths and checksums (IPv4 header, TCP, UDP, ICMP, ICMPv6) filled in.
 *
 * {@snippet :
 * byte[] frame = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
 *         .vlan(100)
 *         .ipv4("10.0.0.1", "10.0.0.2")
 *         .udp(40000, 53)
 *         .payload("hello".getBytes())
 *         .build();
 * }
 *
 * <p>Each call returns the same mutable builder; not thread-safe.
 */
public final class Packets {
    public static final int TCP = 6, UDP = 17, ICMP = 1, ICMPV6 = 58;
    public static final int TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10;

    private final byte[] src, dst;
    private final List<Integer> vlans = new ArrayList<>();
    private InetAddress ipSrc, ipDst;
    private int ttl = 64;
    private int l4 = -1, sport, dport, tcpFlags, icmpType, icmpCode, icmpId, icmpSeq;
    private long tcpSeq;
    private byte[] payload = new byte[0];

    private Packets(byte[] src, byte[] dst) {
        this.src = src;
        this.dst = dst;
    }

    /** Starts a frame with source and destination MAC addresses ({@code "02:00:00:00:00:01"}). */
    public static Packets ethernet(String srcMac, String dstMac) {
        return new Packets(mac(srcMac), mac(dstMac));
    }

    /** Adds an 802.1Q tag (outermost first). */
    public Packets vlan(int id) {
        if (id < 0 || id > 4095) throw new IllegalArgumentException("VLAN id must be 0..4095, was " + id);
        vlans.add(id);
        return this;
    }

    /** An IPv4 header. */
    public Packets ipv4(String source, String destination) {
        return ip(address(source, 4), address(destination, 4));
    }

    /** An IPv6 header. */
    public Packets ipv6(String source, String destination) {
        return ip(address(source, 16), address(destination, 16));
    }

    private Packets ip(InetAddress s, InetAddress d) {
        ipSrc = s;
        ipDst = d;
        return this;
    }

    /** The IPv4 TTL or IPv6 hop limit (default 64). */
    public Packets ttl(int value) {
        ttl = value;
        return this;
    }

    /** A UDP header. */
    public Packets udp(int sourcePort, int destinationPort) {
        return l4(UDP, sourcePort, destinationPort);
    }

    /** A TCP header (20 bytes, no options) with flags such as {@link #TCP_SYN}. */
    public Packets tcp(int sourcePort, int destinationPort, int flags, long sequence) {
        tcpFlags = flags;
        tcpSeq = sequence;
        return l4(TCP, sourcePort, destinationPort);
    }

    /** An ICMP echo request (ICMPv6 echo request over IPv6). */
    public Packets icmpEcho(int id, int sequence) {
        boolean v6 = ipSrc instanceof Inet6Address;
        return icmp(v6 ? 128 : 8, 0, id, sequence);
    }

    /** An ICMP or ICMPv6 message with a 4-byte rest-of-header ({@code id}, {@code sequence}). */
    public Packets icmp(int type, int code, int id, int sequence) {
        requireIp();
        icmpType = type;
        icmpCode = code;
        icmpId = id;
        icmpSeq = sequence;
        l4 = ipSrc instanceof Inet6Address ? ICMPV6 : ICMP;
        return this;
    }

    private Packets l4(int protocol, int s, int d) {
        requireIp();
        l4 = protocol;
        sport = s;
        dport = d;
        return this;
    }

    /** The payload after the last header. */
    public Packets payload(byte[] bytes) {
        payload = bytes.clone();
        return this;
    }

    /** The frame's bytes. */
    public byte[] build() {
        byte[] segment = transport();
        byte[] packet = ipSrc == null ? segment : network(segment);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(dst);
        out.writeBytes(src);
        for (int id : vlans) {
            u16(out, 0x8100);
            u16(out, id);
        }
        u16(out, ipSrc == null ? 0x88B5 /* local experimental */ : ipSrc instanceof Inet4Address ? 0x0800 : 0x86DD);
        out.writeBytes(packet);
        return out.toByteArray();
    }

    private byte[] transport() {
        if (l4 < 0) return payload;
        int headerLength = switch (l4) {
            case TCP -> 20;
            default -> 8;
        };
        byte[] s = new byte[headerLength + payload.length];
        System.arraycopy(payload, 0, s, headerLength, payload.length);
        int checksumAt;
        switch (l4) {
            case UDP -> {
                put16(s, 0, sport);
                put16(s, 2, dport);
                put16(s, 4, s.length);
                checksumAt = 6;
            }
            case TCP -> {
                put16(s, 0, sport);
                put16(s, 2, dport);
                put32(s, 4, tcpSeq);
                s[12] = (byte) (5 << 4);
                s[13] = (byte) tcpFlags;
                put16(s, 14, 65535);
                checksumAt = 16;
            }
            default -> {
                s[0] = (byte) icmpType;
                s[1] = (byte) icmpCode;
                put16(s, 4, icmpId);
                put16(s, 6, icmpSeq);
                checksumAt = 2;
            }
        }
        int sum = l4 == ICMP ? Checksums.internet(s, 0, s.length)
                : Checksums.transport(ipSrc.getAddress(), ipDst.getAddress(), l4, s, 0, s.length);
        if (l4 == UDP && sum == 0) sum = 0xFFFF; // 0 means "no checksum" in UDP
        put16(s, checksumAt, sum);
        return s;
    }

    private byte[] network(byte[] segment) {
        int protocol = l4 < 0 ? 253 /* experimental */ : l4;
        if (ipSrc instanceof Inet4Address) {
            byte[] p = new byte[20 + segment.length];
            p[0] = 0x45;
            put16(p, 2, p.length);
            p[6] = 0x40; // don't fragment
            p[8] = (byte) ttl;
            p[9] = (byte) protocol;
            System.arraycopy(ipSrc.getAddress(), 0, p, 12, 4);
            System.arraycopy(ipDst.getAddress(), 0, p, 16, 4);
            put16(p, 10, Checksums.internet(p, 0, 20));
            System.arraycopy(segment, 0, p, 20, segment.length);
            return p;
        }
        byte[] p = new byte[40 + segment.length];
        p[0] = 0x60;
        put16(p, 4, segment.length);
        p[6] = (byte) protocol;
        p[7] = (byte) ttl;
        System.arraycopy(ipSrc.getAddress(), 0, p, 8, 16);
        System.arraycopy(ipDst.getAddress(), 0, p, 24, 16);
        System.arraycopy(segment, 0, p, 40, segment.length);
        return p;
    }

    private void requireIp() {
        if (ipSrc == null) throw new IllegalStateException("add an ipv4(...) or ipv6(...) header before a transport header");
    }

    static byte[] mac(String text) {
        byte[] m = HexFormat.ofDelimiter(":").parseHex(text);
        if (m.length != 6) throw new IllegalArgumentException("not a MAC address: " + text);
        return m;
    }

    private static InetAddress address(String literal, int length) {
        try {
            // Literals only: getByName on anything else would ask a resolver.
            if (!literal.matches("[0-9a-fA-F:.]+")) throw new IllegalArgumentException("not an IP literal: " + literal);
            InetAddress a = InetAddress.getByName(literal);
            if (a.getAddress().length != length) {
                throw new IllegalArgumentException("not an IPv" + (length == 4 ? 4 : 6) + " literal: " + literal);
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void put32(byte[] b, int at, long v) {
        put16(b, at, (int) (v >>> 16));
        put16(b, at + 2, (int) v);
    }
}
