package dev.ebpf4j.samples.tcptracer;

import dev.ebpf4j.testkit.NetNamespace;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** The demo's connections: a tiny server that answers one line per connection, and a client. */
final class Connections {
    private Connections() {}

    /**
     * One connection attempt as the client saw it.
     *
     * @param localPort    the client's port (0 when refused before one was known)
     * @param remotePort   the server port
     * @param refused      whether the connect was refused
     * @param connectNanos how long {@code connect()} took
     */
    record Attempt(int localPort, int remotePort, boolean refused, long connectNanos) {}

    static List<Attempt> open(NetNamespace client, NetNamespace server, String serverIp, int openPort, int closedPort,
                              int connections) throws Exception {
        List<Attempt> attempts = new ArrayList<>();
        try (ServerSocket listener = server.call(() -> new ServerSocket(openPort, 16, InetAddress.getByName(serverIp)))) {
            Thread acceptor = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < connections; i++) {
                    try (Socket s = listener.accept()) {
                        s.getInputStream().read();
                        s.getOutputStream().write("pong\n".getBytes());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            client.run(() -> {
                for (int i = 0; i < connections; i++) {
                    try (Socket s = new Socket()) {
                        long t0 = System.nanoTime();
                        s.connect(new InetSocketAddress(serverIp, openPort));
                        long took = System.nanoTime() - t0;
                        s.getOutputStream().write('p');
                        s.getInputStream().readAllBytes();
                        attempts.add(new Attempt(s.getLocalPort(), openPort, false, took));
                    }
                }
                try (Socket s = new Socket()) {
                    long t0 = System.nanoTime();
                    s.connect(new InetSocketAddress(serverIp, closedPort), 2000);
                    throw new IllegalStateException("port " + closedPort + " should refuse connections");
                } catch (ConnectException refused) {
                    attempts.add(new Attempt(0, closedPort, true, 0));
                }
            });
            acceptor.join();
        }
        return attempts;
    }
}
