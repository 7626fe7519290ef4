package dev.ebpf4j.programs;

import dev.ebpf4j.testkit.NetNamespace;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/** UDP traffic between namespaces of a test topology (never anywhere else). */
final class Traffic {
    private Traffic() {}

    /** A UDP socket bound inside {@code ns}; sockets keep the namespace they were created in. */
    static DatagramChannel bind(NetNamespace ns, String address, int port) {
        return ns.call(() -> {
            DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.bind(new InetSocketAddress(address, port));
            ch.socket().setSoTimeout(300);
            return ch;
        });
    }

    /** Sends {@code count} datagrams from {@code ns} to {@code address:port}. */
    static void send(NetNamespace ns, String address, int port, int count) {
        ns.run(() -> {
            try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
                for (int i = 0; i < count; i++) {
                    ch.send(ByteBuffer.wrap(("datagram " + i).getBytes()), new InetSocketAddress(address, port));
                }
            }
        });
    }

    /** Receives until a read times out; returns the payloads. */
    static List<String> drain(DatagramChannel ch) throws Exception {
        List<String> got = new ArrayList<>();
        byte[] buf = new byte[2048];
        java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
        while (true) {
            try {
                ch.socket().receive(p);
                got.add(new String(p.getData(), 0, p.getLength()));
            } catch (SocketTimeoutException e) {
                return got;
            }
        }
    }
}
