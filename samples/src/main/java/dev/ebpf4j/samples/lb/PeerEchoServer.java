package dev.ebpf4j.samples.lb;

import dev.ebpf4j.testkit.TestCluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A pod's TCP server on port 8080 answering each connection with {@code "<pod> <peer address>"}: who served, and whose
 * address it saw (the client's, or a node's when the NodePort path source-NATed).
 */
final class PeerEchoServer implements AutoCloseable {
    static final int PORT = 8080;
    private final ServerSocket socket;

    private PeerEchoServer(ServerSocket socket, String name) {
        this.socket = socket;
        Thread.ofPlatform().daemon().name("echo-" + name).start(() -> serve(name));
    }

    /** Binds inside the pod's namespace (a socket belongs to the namespace of the thread that made it). */
    static PeerEchoServer start(TestCluster.Pod pod) {
        return new PeerEchoServer(pod.ns().call(() -> new ServerSocket(PORT, 256, InetAddress.ofLiteral("0.0.0.0"))), pod.name());
    }

    private void serve(String name) {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept(); var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                out.println(name + " " + s.getInetAddress().getHostAddress());
            } catch (IOException e) {
                if (socket.isClosed()) return;
            }
        }
    }

    /** One connection to {@code to}: the server's answer line. */
    static String ask(InetSocketAddress to) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to, 2_000);
            s.setSoTimeout(2_000);
            String line = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (line.isEmpty()) throw new IOException("no answer from " + to);
            return line;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
