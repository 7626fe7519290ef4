package dev.ebpf4j.k8s.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IPv4 or IPv6 prefix such as {@code 10.0.0.0/8}; host bits are cleared on construction.
 *
 * @param network the network address (host bits zero)
 * @param prefixLength the number of leading bits that are fixed (0..32 for IPv4, 0..128 for IPv6)
 */
public record Cidr(InetAddress network, int prefixLength) {

    /** Clears host bits so that equal prefixes are equal records. */
    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0.." + bits);
        }
        network = mask(network, prefixLength);
    }

    /**
     * @param text {@code address/length}, or a bare address meaning a host prefix
     * @return the prefix
     * @throws IllegalArgumentException if the text is not a literal address with an in-range length
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        if (!addr.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR: give a literal address/length");
        }
        InetAddress a = address(addr);
        int len = slash < 0 ? a.getAddress().length * 8 : Integer.parseInt(text.substring(slash + 1));
        return new Cidr(a, len);
    }

    /**
     * @param address a host address
     * @return the host prefix (/32 or /128) of that address
     */
    public static Cidr host(InetAddress address) {
        return new Cidr(address, address.getAddress().length * 8);
    }

    /**
     * @param literal a literal IPv4 or IPv6 address (no DNS lookup happens)
     * @return the address
     */
    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + literal + "' is not a literal IP address", e);
        }
    }

    /** @return whether this is an IPv4 prefix */
    public boolean isIpv4() {
        return network.getAddress().length == 4;
    }

    /**
     * @param address an address of either family
     * @return whether the address lies in this prefix (never true across families)
     */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        return a.length == n.length && mask(a, prefixLength).equals(network);
    }

    /**
     * @param other a prefix
     * @return whether every address of {@code other} lies in this prefix
     */
    public boolean contains(Cidr other) {
        return other.prefixLength >= prefixLength && contains(other.network);
    }

    private static InetAddress mask(InetAddress address, int len) {
        return mask(address.getAddress(), len);
    }

    private static InetAddress mask(byte[] bytes, int len) {
        byte[] b = bytes.clone();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, len - i * 8));
            b[i] = (byte) (b[i] & (0xff << (8 - keep)));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
