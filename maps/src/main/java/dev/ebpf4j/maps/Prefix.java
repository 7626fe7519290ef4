package dev.ebpf4j.maps;

import dev.ebpf4j.maps.codec.Codec;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IP prefix, the key of an {@link LpmTrieMap}: an address and a prefix length. Host bits beyond the length are
 * cleared, so {@code 10.1.2.3/8} equals {@code 10.0.0.0/8}.
 *
 * {@snippet :
 * Prefix net = Prefix.of("192.168.0.0/16");
 * Prefix host = Prefix.host("192.168.4.2");    // a /32, used to look up the longest match
 * boolean inside = net.contains(host.address());
 * }
 *
 * @param address the network address (IPv4 or IPv6)
 * @param length  prefix length, 0..32 for IPv4 and 0..128 for IPv6
 */
public record Prefix(InetAddress address, int length) {
    public Prefix {
        Objects.requireNonNull(address, "address");
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) throw new IllegalArgumentException("prefix length " + length + " outside 0.." + bits);
        address = mask(address, length);
    }

    /** Parses {@code "a.b.c.d/n"} or {@code "x::y/n"}; without {@code /n} a host prefix. Literal addresses only. */
    public static Prefix of(String cidr) {
        int slash = cidr.indexOf('/');
        InetAddress a = parse(slash < 0 ? cidr : cidr.substring(0, slash));
        return new Prefix(a, slash < 0 ? a.getAddress().length * 8 : Integer.parseInt(cidr.substring(slash + 1)));
    }

    /** A full-length prefix of one address (the key to look up the longest match for it). */
    public static Prefix host(InetAddress address) {
        return new Prefix(address, address.getAddress().length * 8);
    }

    /** Like {@link #host(InetAddress)} from a literal. */
    public static Prefix host(String literal) {
        return host(parse(literal));
    }

    /** Whether {@code other} lies inside this prefix (same family). */
    public boolean contains(InetAddress other) {
        return other.getAddress().length == address.getAddress().length && mask(other, length).equals(address);
    }

    /** Whether this is an IPv4 prefix. */
    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The 8-byte LPM key codec for IPv4 ({@code struct { __u32 prefixlen; __u8 addr[4]; }}). */
    public static Codec<Prefix> ipv4Codec() {
        return PrefixCodec.V4;
    }

    /** The 20-byte LPM key codec for IPv6 ({@code struct { __u32 prefixlen; __u8 addr[16]; }}). */
    public static Codec<Prefix> ipv6Codec() {
        return PrefixCodec.V6;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }

    private static InetAddress parse(String literal) {
        if (literal.isEmpty() || !(Character.digit(literal.charAt(0), 16) >= 0 || literal.charAt(0) == ':')) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address literal");
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + literal + "' is not an IP address literal", e);
        }
    }

    static InetAddress mask(InetAddress a, int length) {
        byte[] b = a.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, length - i * 8));
            b[i] &= (byte) (0xFF00 >> keep);
        }
        try {
            return a instanceof Inet6Address ? Inet6Address.getByAddress(null, b, null) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
