package dev.ebpf4j.k8s.observe;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;

/** Builds DNS wire-format messages for tests (one question; answers point back at the question name). */
final class DnsMessages {
    private DnsMessages() {}

    static byte[] query(int id, String name, int qtype) {
        return message(id, false, 0, name, qtype);
    }

    static byte[] response(int id, String name, int qtype, int rcode, InetAddress... answers) {
        return message(id, true, rcode, name, qtype, answers);
    }

    static byte[] message(int id, boolean response, int rcode, String name, int qtype, InetAddress... answers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, id);
        u16(out, (response ? 0x8180 : 0x0100) | rcode);
        u16(out, 1);
        u16(out, answers.length);
        u16(out, 0);
        u16(out, 0);
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) continue;
            out.write(label.length());
            out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        out.write(0);
        u16(out, qtype);
        u16(out, 1);
        for (InetAddress a : answers) {
            u16(out, 0xC00C); // pointer to the question name at offset 12
            byte[] raw = a.getAddress();
            u16(out, raw.length == 4 ? 1 : 28);
            u16(out, 1);
            u16(out, 0);
            u16(out, 30); // TTL
            u16(out, raw.length);
            out.writeBytes(raw);
        }
        return out.toByteArray();
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }
}
