package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.testkit.TestCluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP server on port {@value #TCP} and a UDP server on {@value #UDP} in each pod (both families), answering every
 * connection or datagram with one line, {@code "<pod> <peer address>"}: who served, and whom it saw.
 */
final class PodServers implements AutoCloseable {
    static final int TCP = 8080;
    static final int UDP = 5353;
    private final List<AutoCloseable> sockets = new CopyOnWriteArrayList<>();

    /** Starts both servers in {@code pod}. */
    void start(TestCluster.Pod pod) {
        ServerSocket tcp = pod.ns().call(() -> new ServerSocket(TCP, 256, InetAddress.ofLiteral("::")));
        DatagramSocket udp = pod.ns().call(() -> new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral("::"), UDP)));
        sockets.add(tcp);
        sockets.add(udp);
        Thread.ofPlatform().daemon().name("tcp-" + pod.name()).start(() -> serveTcp(tcp, pod.name()));
        Thread.ofPlatform().daemon().name("udp-" + pod.name()).start(() -> serveUdp(udp, pod.name()));
    }

    private static void serveTcp(ServerSocket ss, String name) {
        while (!ss.isClosed()) {
            try (Socket s = ss.accept(); var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                out.println(name + " " + s.getInetAddress().getHostAddress());
            } catch (IOException closed) {
                if (ss.isClosed()) return;
            }
        }
    }

    private static void serveUdp(DatagramSocket ds, String name) {
        byte[] buf = new byte[512];
        while (!ds.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                ds.receive(p);
                byte[] reply = (name + " " + p.getAddress().getHostAddress() + "\n").getBytes(StandardCharsets.US_ASCII);
                ds.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
            } catch (IOException closed) {
                if (ds.isClosed()) return;
            }
        }
    }

    /** One TCP request to {@code target}: the server's line, checking the socket's peer is {@code target} itself. */
    static String tcp(InetSocketAddress target, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(timeoutMs);
            s.connect(target, timeoutMs);
            if (!s.getRemoteSocketAddress().equals(target)) {
                throw new IOException("connected to " + s.getRemoteSocketAddress() + ", not " + target);
            }
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (line == null) throw new IOException("no answer from " + target);
            return line;
        }
    }

    /**
     * One UDP request to {@code target} from an unconnected socket: the server's line, checking the reply came from
     * {@code target} (the socket LB's recvmsg hook restores it).
     */
    static String udp(InetSocketAddress target, int timeoutMs) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(timeoutMs);
            byte[] q = "?".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(q, q.length, target));
            byte[] buf = new byte[512];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                throw new IOException("no UDP answer from " + target + " in " + timeoutMs + " ms", e);
            }
            if (!p.getSocketAddress().equals(target)) throw new IOException("UDP answer from " + p.getSocketAddress() + ", not " + target);
            return new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII).strip();
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable s : sockets) s.close();
    }
}
