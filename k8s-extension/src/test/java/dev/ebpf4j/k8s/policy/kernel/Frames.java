package dev.ebpf4j.k8s.policy.kernel;

import dev.ebpf4j.k8s.model.L4Protocol;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** Minimal Ethernet/IPv4-or-IPv6/L4 frames for test runs (the programs module's Packets builder replaces this). */
final class Frames {

    private Frames() {
    }

    static byte[] ip(InetAddress src, InetAddress dst, L4Protocol protocol, int sport, int dport) {
        return src.getAddress().length == 4 ? ipv4(src, dst, protocol, sport, dport) : ipv6(src, dst, protocol, sport, dport);
    }

    static byte[] ipv6(InetAddress src, InetAddress dst, L4Protocol protocol, int sport, int dport) {
        byte[] v4 = ipv4(Cidr4.ANY, Cidr4.ANY, protocol, sport, dport);
        byte[] l4 = java.util.Arrays.copyOfRange(v4, 34, v4.length);
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + l4.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x86dd);
        b.putInt(0x60000000).putShort((short) l4.length).put((byte) protocol.number()).put((byte) 64)
                .put(src.getAddress()).put(dst.getAddress()).put(l4);
        return b.array();
    }

    /** An IPv6 frame whose L4 header follows a hop-by-hop options header. */
    static byte[] ipv6WithHopByHop(InetAddress src, InetAddress dst, L4Protocol protocol, int sport, int dport) {
        byte[] plain = ipv6(src, dst, protocol, sport, dport);
        byte[] l4 = java.util.Arrays.copyOfRange(plain, 54, plain.length);
        ByteBuffer b = ByteBuffer.allocate(plain.length + 8);
        b.put(plain, 0, 54);
        b.putShort(18, (short) (l4.length + 8)).put(20, (byte) 0);
        b.put((byte) protocol.number()).put((byte) 0).put(new byte[] {1, 4, 0, 0, 0, 0}).put(l4);
        return b.array();
    }

    /** An ICMPv6 message of the given type (checksum not computed: the program does not check it). */
    static byte[] icmpv6(InetAddress src, InetAddress dst, int type) {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + 8);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x86dd);
        b.putInt(0x60000000).putShort((short) 8).put((byte) 58).put((byte) 255)
                .put(src.getAddress()).put(dst.getAddress());
        b.put((byte) type).put((byte) 0).putShort((short) 0).putInt(0);
        return b.array();
    }

    private static final class Cidr4 {
        static final InetAddress ANY = dev.ebpf4j.k8s.model.Cidr.address("0.0.0.0");
    }

    static byte[] ipv4(InetAddress src, InetAddress dst, L4Protocol protocol, int sport, int dport) {
        int l4 = switch (protocol) {
            case TCP -> 20;
            case UDP -> 8;
            case SCTP -> 12;
        };
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4)).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) protocol.number()).putShort((short) 0)
                .put(src.getAddress()).put(dst.getAddress());
        b.putShort((short) sport).putShort((short) dport);
        if (protocol == L4Protocol.TCP) {
            b.putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x02).putShort((short) 65535).putInt(0);
        } else if (protocol == L4Protocol.UDP) {
            b.putShort((short) 8).putShort((short) 0);
        } else {
            b.putInt(0x1234).putInt(0);
        }
        return b.array();
    }

    private static final byte[] MACS = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};

    /**
     * One fragment of a UDP datagram (checksums not computed: the program does not check them). The first fragment
     * (offset 0, more fragments) carries the UDP header and 8 payload bytes; a later one (the last, at offset 1480)
     * carries 8 payload bytes and no ports.
     *
     * @param id the IPv4 identification (16 bits) or the IPv6 fragment header's identification
     */
    static byte[] udpFragment(InetAddress src, InetAddress dst, int id, int sport, int dport, boolean first) {
        ByteBuffer l4 = ByteBuffer.allocate(first ? 16 : 8);
        if (first) {
            l4.putShort((short) sport).putShort((short) dport).putShort((short) 1488).putShort((short) 0);
        }
        byte[] payload = l4.put(new byte[] {'f', 'r', 'a', 'g', 'm', 'e', 'n', 't'}).array();
        if (src.getAddress().length == 4) {
            ByteBuffer b = ByteBuffer.allocate(14 + 20 + payload.length).put(MACS).putShort((short) 0x0800);
            b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) id)
                    .putShort((short) (first ? 0x2000 : 1480 / 8)).put((byte) 64).put((byte) 17).putShort((short) 0)
                    .put(src.getAddress()).put(dst.getAddress()).put(payload);
            return b.array();
        }
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + 8 + payload.length).put(MACS).putShort((short) 0x86dd);
        b.putInt(0x60000000).putShort((short) (8 + payload.length)).put((byte) 44).put((byte) 64)
                .put(src.getAddress()).put(dst.getAddress());
        b.put((byte) 17).put((byte) 0).putShort((short) (first ? 1 : 1448)).putInt(id).put(payload);
        return b.array();
    }

    /**
     * An ICMP (IPv4) or ICMPv6 error from {@code src} to {@code dst} embedding the IP header and first 8 L4 bytes of
     * {@code offending}, an Ethernet frame (checksum not computed).
     */
    static byte[] icmpError(InetAddress src, InetAddress dst, int type, int code, byte[] offending) {
        boolean v4 = src.getAddress().length == 4;
        int embedded = (v4 ? 20 : 40) + 8;
        ByteBuffer b = ByteBuffer.allocate(14 + (v4 ? 20 : 40) + 8 + embedded).put(MACS)
                .putShort((short) (v4 ? 0x0800 : 0x86dd));
        if (v4) {
            b.put((byte) 0x45).put((byte) 0xc0).putShort((short) (20 + 8 + embedded)).putShort((short) 7)
                    .putShort((short) 0).put((byte) 64).put((byte) 1).putShort((short) 0);
        } else {
            b.putInt(0x60000000).putShort((short) (8 + embedded)).put((byte) 58).put((byte) 64);
        }
        b.put(src.getAddress()).put(dst.getAddress());
        b.put((byte) type).put((byte) code).putShort((short) 0).putInt(0).put(offending, 14, embedded);
        return b.array();
    }
}
