package dev.ebpf4j.k8s.observe;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Address text in the canonical short form (RFC 5952 for IPv6: lower case, longest zero run compressed). */
public final class Addresses {
    private Addresses() {}

    /** {@code 10.0.0.1}, {@code fd00::1}. */
    public static String text(InetAddress a) {
        return a instanceof Inet6Address ? text(a.getAddress()) : a.getHostAddress();
    }

    /**
     * The same for an address as raw bytes, as maps hold them.
     *
     * @param raw 4 or 16 bytes in network order
     * @return the address text
     */
    public static String text(byte[] raw) {
        if (raw.length == 4) return (raw[0] & 0xFF) + "." + (raw[1] & 0xFF) + "." + (raw[2] & 0xFF) + "." + (raw[3] & 0xFF);
        if (raw.length != 16) throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + raw.length);
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((raw[2 * i] & 0xFF) << 8) | (raw[2 * i + 1] & 0xFF);
        int bestStart = -1, bestLen = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
