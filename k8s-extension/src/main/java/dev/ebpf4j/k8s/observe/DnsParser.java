package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Parses the DNS messages the datapath captures (RFC 1035 wire format, possibly cut short at the capture size).
 * Anything that is not a plausible DNS message with one question yields {@link Optional#empty()}; a truncated answer
 * section keeps the answers read so far. No input makes it throw.
 */
public final class DnsParser {
    private static final int MAX_NAME = 255;
    private static final int MAX_POINTERS = 16;

    private DnsParser() {}

    /**
     * A parsed message.
     *
     * @param id       transaction id
     * @param response QR bit
     * @param rcode    response code
     * @param name     first question name without trailing dot ("" for the root)
     * @param qtype    first question type
     * @param answers  A and AAAA addresses found in the answer section
     */
    public record Message(int id, boolean response, int rcode, String name, int qtype, List<InetAddress> answers) {}

    /** The message in {@code data[0..length)}, if it is one. */
    public static Optional<Message> parse(byte[] data, int length) {
        int n = Math.min(length, data.length);
        if (n < 12) return Optional.empty();
        int id = u16(data, 0), flags = u16(data, 2), qd = u16(data, 4), an = u16(data, 6);
        int opcode = (flags >> 11) & 0xF;
        if (qd != 1 || opcode > 2) return Optional.empty();
        StringBuilder name = new StringBuilder();
        int pos = readName(data, n, 12, name);
        if (pos < 0 || pos + 4 > n) return Optional.empty();
        int qtype = u16(data, pos);
        int qclass = u16(data, pos + 2);
        if (qclass != 1 && qclass != 255 && qclass != 0x8001) return Optional.empty();
        pos += 4;
        boolean response = (flags & 0x8000) != 0;
        if (!response && an != 0) return Optional.empty();
        List<InetAddress> answers = new ArrayList<>();
        for (int i = 0; i < an && pos >= 0 && pos < n; i++) {
            pos = readName(data, n, pos, null);
            if (pos < 0 || pos + 10 > n) break;
            int type = u16(data, pos), rdlen = u16(data, pos + 8);
            int rdata = pos + 10;
            if (rdata + rdlen > n) break;
            if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
                answers.add(address(Arrays.copyOfRange(data, rdata, rdata + rdlen)));
            }
            pos = rdata + rdlen;
        }
        return Optional.of(new Message(id, response, flags & 0xF, name.toString(), qtype, answers));
    }

    /** Reads a (possibly compressed) name at {@code pos}; returns the position after it in the message, or -1. */
    private static int readName(byte[] d, int n, int pos, StringBuilder out) {
        int end = -1, jumps = 0, total = 0;
        while (true) {
            if (pos >= n) return -1;
            int len = d[pos] & 0xFF;
            if (len == 0) return end >= 0 ? end : pos + 1;
            if ((len & 0xC0) == 0xC0) {
                if (pos + 1 >= n || ++jumps > MAX_POINTERS) return -1;
                if (end < 0) end = pos + 2;
                pos = ((len & 0x3F) << 8) | (d[pos + 1] & 0xFF);
                continue;
            }
            if ((len & 0xC0) != 0 || pos + 1 + len > n) return -1;
            total += len + 1;
            if (total > MAX_NAME) return -1;
            if (out != null) {
                if (!out.isEmpty()) out.append('.');
                for (int i = pos + 1; i <= pos + len; i++) {
                    int c = d[i] & 0xFF;
                    if (c <= 0x20 || c >= 0x7F) return -1;
                    out.append((char) c);
                }
            }
            pos += 1 + len;
        }
    }

    private static int u16(byte[] d, int at) {
        return ((d[at] & 0xFF) << 8) | (d[at + 1] & 0xFF);
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
