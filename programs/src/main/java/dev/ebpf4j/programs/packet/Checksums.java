package dev.ebpf4j.programs.packet;

/** The Internet checksum (RFC 1071) over byte ranges, with IPv4/IPv6 pseudo-headers for TCP, UDP and ICMPv6. */
public final class Checksums {
    private Checksums() {}

    /** One's-complement sum of 16-bit big-endian words, not yet folded or inverted. */
    static long sum(long acc, byte[] data, int offset, int length) {
        int i = offset, end = offset + length;
        for (; i + 1 < end; i += 2) acc += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        if (i < end) acc += (data[i] & 0xFF) << 8;
        return acc;
    }

    static int fold(long acc) {
        while ((acc >>> 16) != 0) acc = (acc & 0xFFFF) + (acc >>> 16);
        return (int) (~acc & 0xFFFF);
    }

    /** The checksum of a byte range (a header with its checksum field zeroed, or set: then a valid one gives 0). */
    public static int internet(byte[] data, int offset, int length) {
        return fold(sum(0, data, offset, length));
    }

    /** The transport checksum over a pseudo-header (addresses of 4 or 16 bytes), protocol and segment. */
    public static int transport(byte[] src, byte[] dst, int protocol, byte[] data, int offset, int length) {
        long acc = sum(0, src, 0, src.length);
        acc = sum(acc, dst, 0, dst.length);
        acc += protocol + length;
        return fold(sum(acc, data, offset, length));
    }
}
