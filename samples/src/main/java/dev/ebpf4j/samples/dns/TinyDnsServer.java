package dev.ebpf4j.samples.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A tiny authoritative DNS server for the demo: answers A queries from a fixed table, NXDOMAIN for other names,
 * NOTIMP for other types (RFC 1035 section 4.1 wire format). One thread; close it to stop.
 */
final class TinyDnsServer implements AutoCloseable {
    private final DatagramChannel channel;
    private final Map<String, List<InetAddress>> table;
    private final Thread thread;

    /** Binds {@code address} in the calling thread's namespace and starts answering. */
    TinyDnsServer(InetSocketAddress address, Map<String, List<InetAddress>> table) throws IOException {
        this.channel = DatagramChannel.open().bind(address);
        this.table = Map.copyOf(table);
        this.thread = Thread.ofPlatform().daemon().name("tiny-dns").start(this::serve);
    }

    private void serve() {
        ByteBuffer in = ByteBuffer.allocate(512);
        try {
            while (true) {
                in.clear();
                SocketAddress from = channel.receive(in);
                in.flip();
                byte[] answer = answer(in);
                if (answer != null) channel.send(ByteBuffer.wrap(answer), from);
            }
        } catch (ClosedChannelException closed) {
            // stopped
        } catch (IOException e) {
            System.getLogger(TinyDnsServer.class.getName()).log(System.Logger.Level.WARNING, "dns server", e);
        }
    }

    /** The response to one query, or null to ignore a malformed or non-query message. */
    private byte[] answer(ByteBuffer q) {
        if (q.remaining() < 12 || (q.get(2) & 0x80) != 0 || q.getShort(4) != 1) return null;
        int at = 12;
        StringBuilder name = new StringBuilder();
        while (at < q.limit() && q.get(at) != 0) {
            int len = q.get(at) & 0xFF;
            if (len > 63 || at + 1 + len > q.limit()) return null;
            if (!name.isEmpty()) name.append('.');
            name.append(StandardCharsets.US_ASCII.decode(q.slice(at + 1, len)));
            at += 1 + len;
        }
        int questionEnd = at + 5; // the root label, QTYPE, QCLASS
        if (questionEnd > q.limit()) return null;
        int qtype = q.getShort(at + 1) & 0xFFFF;
        List<InetAddress> addresses = table.get(name.toString().toLowerCase());
        int rcode = qtype != 1 ? 4 : addresses == null ? 3 : 0;
        List<InetAddress> answers = rcode == 0 ? addresses : List.of();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(q.get(0));
        out.write(q.get(1));
        out.write(0x84 | (q.get(2) & 0x01));   // QR, AA, RD copied
        out.write(rcode);
        out.writeBytes(new byte[] {0, 1, 0, (byte) answers.size(), 0, 0, 0, 0});
        byte[] question = new byte[questionEnd - 12];
        q.get(12, question);
        out.writeBytes(question);
        for (InetAddress a : answers) {
            // Name: a pointer to the question's name at offset 12; type A, class IN, TTL 30 s, 4 bytes of address.
            out.writeBytes(new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4});
            out.writeBytes(a.getAddress());
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws Exception {
        channel.close();
        thread.join();
    }
}
