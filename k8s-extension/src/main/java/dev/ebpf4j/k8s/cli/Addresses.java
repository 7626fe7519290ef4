package dev.ebpf4j.k8s.cli;

/** Address text as {@code ip} prints it: dotted IPv4, RFC 5952 IPv6 (lower case, longest zero run as {@code ::}). */
final class Addresses {
    private Addresses() {}

    /** {@code raw} is 4 or 16 bytes in network order. */
    static String text(byte[] raw) {
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
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') b.append(':');
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }
}
