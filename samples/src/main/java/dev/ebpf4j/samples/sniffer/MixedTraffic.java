package dev.ebpf4j.samples.sniffer;

import dev.ebpf4j.testkit.NetNamespace;

import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The client's traffic: what the filter should keep (SYNs, DNS, the chosen port) and noise it should drop. */
final class MixedTraffic {
    /** Connection attempts: one accepted (port 8080), one refused (port 8081); each sends one SYN. */
    static final int CONNECTS = 2;
    static final int DNS_QUERIES = 3, PORT_DATAGRAMS = 4, NOISE_DATAGRAMS = 10;
    static final int NOISE_PORT = 9999;

    private MixedTraffic() {}

    /** What was sent, for the printout. */
    record Sent(int connects, int dnsQueries, int portDatagrams, int noiseDatagrams) {}

    static Sent send(NetNamespace client, NetNamespace server, String serverIp, int port) throws Exception {
        try (ServerSocket listener = server.call(() -> new ServerSocket(8080, 4, InetAddress.getByName(serverIp)))) {
            Thread accept = Thread.ofPlatform().start(() -> {
                try (Socket s = listener.accept()) {
                    s.getInputStream().readAllBytes();
                } catch (IOException ignored) {
                    // the demo only needs the handshake
                }
            });
            client.run(() -> {
                try (Socket s = new Socket(serverIp, 8080)) {
                    s.getOutputStream().write("hello over TCP, data the filter drops".getBytes());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(serverIp, 8081), 2000);
                    throw new IllegalStateException("port 8081 should refuse");
                } catch (ConnectException expected) {
                    // refused: a SYN then a RST
                }
                try (DatagramSocket udp = new DatagramSocket()) {
                    InetAddress to = InetAddress.getByName(serverIp);
                    for (int i = 0; i < DNS_QUERIES; i++) send(udp, dnsQuery(0x5100 + i, "sniffer.example"), to, 53);
                    for (int i = 0; i < PORT_DATAGRAMS; i++) send(udp, ("to the chosen port #" + i).getBytes(), to, port);
                    for (int i = 0; i < NOISE_DATAGRAMS; i++) send(udp, "noise".getBytes(), to, NOISE_PORT);
                }
            });
            accept.join();
        }
        return new Sent(CONNECTS, DNS_QUERIES, PORT_DATAGRAMS, NOISE_DATAGRAMS);
    }

    private static void send(DatagramSocket udp, byte[] payload, InetAddress to, int port) throws IOException {
        udp.send(new DatagramPacket(payload, payload.length, to, port));
    }

    /** A DNS query for an A record, built by hand (RFC 1035 section 4.1). */
    static byte[] dnsQuery(int id, String name) {
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return out.toByteArray();
    }
}
