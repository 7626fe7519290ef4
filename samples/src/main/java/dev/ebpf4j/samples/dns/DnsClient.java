package dev.ebpf4j.samples.dns;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** A stub resolver's one query, by hand: the demo has no {@code dig}, and the JDK resolver cannot be pointed at a server. */
final class DnsClient {
    private DnsClient() {}

    /**
     * One query as the client saw it.
     *
     * @param id      transaction id
     * @param name    the name asked for
     * @param rcode   response code
     * @param answers A records in the answer
     * @param nanos   time from send to receive
     */
    record Answer(int id, String name, int rcode, java.util.List<InetAddress> answers, long nanos) {}

    static Answer query(InetAddress server, int id, String name) throws Exception {
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        q.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}); // RD, 1 question
        for (String label : name.split("\\.")) {
            q.write(label.length());
            q.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        q.writeBytes(new byte[] {0, 0, 1, 0, 1}); // root, type A, class IN
        byte[] query = q.toByteArray();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(3000);
            DatagramPacket response = new DatagramPacket(new byte[512], 512);
            long t0 = System.nanoTime();
            socket.send(new DatagramPacket(query, query.length, server, 53));
            socket.receive(response);
            long nanos = System.nanoTime() - t0;
            byte[] r = response.getData();
            int answers = (r[6] & 0xFF) << 8 | (r[7] & 0xFF);
            // Our server's answers follow the echoed question, each 12 bytes of fixed fields and 4 of address.
            java.util.List<InetAddress> addresses = new java.util.ArrayList<>();
            for (int i = 0, at = query.length; i < answers; i++, at += 16) {
                addresses.add(InetAddress.getByAddress(java.util.Arrays.copyOfRange(r, at + 12, at + 16)));
            }
            return new Answer((r[0] & 0xFF) << 8 | (r[1] & 0xFF), name, r[3] & 0x0F, addresses, nanos);
        }
    }
}
