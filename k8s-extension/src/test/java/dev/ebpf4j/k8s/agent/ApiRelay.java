package dev.ebpf4j.k8s.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of the API server, standing in for the network path to it: {@link #cut()} closes
 * every relayed connection and stops listening (clients get "connection refused", as when an API server is down),
 * {@link #restore()} listens again on the same port.
 */
final class ApiRelay implements AutoCloseable {
    private final int target;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;

    private ApiRelay(int target, ServerSocket listener) {
        this.target = target;
        this.port = listener.getLocalPort();
        serve(listener);
    }

    static ApiRelay start(int targetPort) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new ApiRelay(targetPort, s);
    }

    /**
     * A relay listening on the loopback of {@code ns} (a node namespace, whose processes cannot reach the test's
     * loopback) and connecting to the API server on the test's: the listening socket lives in {@code ns}, the
     * relay's threads and outgoing connections where this call is made. {@link #restore()} is not for these.
     */
    static ApiRelay startIn(dev.ebpf4j.testkit.NetNamespace ns, int targetPort) {
        ServerSocket s = ns.call(() -> {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket;
        });
        return new ApiRelay(targetPort, s);
    }

    int port() {
        return port;
    }

    /** The API server becomes unreachable: open connections are reset, new ones refused. */
    synchronized void cut() throws IOException {
        listener.close();
        for (Socket s : open) s.close();
        open.clear();
    }

    /** The API server is reachable again, on the same address. */
    synchronized void restore() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        serve(s);
    }

    private void serve(ServerSocket s) {
        listener = s;
        Thread.ofPlatform().daemon().name("api-relay").start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket in = s.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(in);
                    open.add(out);
                    pipe(in, out);
                    pipe(out, in);
                } catch (IOException e) {
                    if (s.isClosed()) return;
                }
            }
        });
    }

    private void pipe(Socket from, Socket to) {
        Thread.ofPlatform().daemon().name("api-relay-pipe").start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException closed) {
                // either side went away
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
                open.remove(from);
                open.remove(to);
            }
        });
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
