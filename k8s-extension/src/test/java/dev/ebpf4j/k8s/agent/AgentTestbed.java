package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.testkit.KernelMounts;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import dev.ebpf4j.testkit.Topology;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client namespace wired to N backend namespaces (no route out), each backend answering every TCP connection on
 * 8080 with its own name and closing (and, on request, echoing lines or datagrams on other ports), a cgroup for the
 * socket LB and a pin directory, all removed by {@link #close()}.
 */
final class AgentTestbed implements AutoCloseable {
    static final InetAddress VIP = InetAddress.ofLiteral("10.96.0.10");

    final Topology topology;
    final NetNamespace client;
    final TestCgroup cgroup;
    final Path pinDir;
    private final List<ServerSocket> servers = new ArrayList<>();
    private final List<NetNamespace> backendNamespaces = new ArrayList<>();
    private final List<DatagramSocket> udpSockets = new ArrayList<>();
    private final AtomicReference<DatagramPacket> held = new AtomicReference<>();
    private final AtomicReference<DatagramSocket> heldBy = new AtomicReference<>();

    AgentTestbed(String prefix, int backends) {
        topology = Topology.create(prefix);
        TestCgroup cg = null;
        try {
            client = topology.namespace("cli");
            for (int i = 1; i <= backends; i++) {
                NetNamespace b = topology.namespace("b" + i);
                topology.veth(client, "vb" + i, "10.1." + i + ".254/24", b, "eth0", "10.1." + i + ".1/24");
                serve(b, "b" + i, InetAddress.ofLiteral(backendIp(i)));
                backendNamespaces.add(b);
            }
            topology.verifyIsolated();
            cg = TestCgroup.create("e4j-agent");
            pinDir = KernelMounts.bpffs().resolve("e4j-agent-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));
        } catch (RuntimeException | Error e) {
            if (cg != null) cg.close();
            topology.close();
            throw e;
        }
        cgroup = cg;
    }

    static String backendIp(int i) {
        return "10.1." + i + ".1";
    }

    private void serve(NetNamespace ns, String name, InetAddress address) {
        ServerSocket server = ns.call(() -> new ServerSocket(8080, 4096, address));
        servers.add(server);
        byte[] greeting = (name + "\n").getBytes(StandardCharsets.US_ASCII);
        Thread.ofPlatform().daemon().name("srv-" + name).start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(greeting);
                } catch (IOException e) {
                    if (server.isClosed()) return;
                }
            }
        });
    }

    /** Starts a line echo server on {@code port} in every backend (one thread per connection, for long-lived ones). */
    void echoServers(int port) {
        for (int i = 0; i < backendNamespaces.size(); i++) {
            InetAddress address = InetAddress.ofLiteral(backendIp(i + 1));
            ServerSocket server = backendNamespaces.get(i).call(() -> new ServerSocket(port, 64, address));
            servers.add(server);
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofPlatform().daemon().start(() -> {
                            try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                                 OutputStream out = s.getOutputStream()) {
                                for (String line; (line = in.readLine()) != null; ) out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                            } catch (IOException ignored) {
                                // peer gone
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }
    }

    /**
     * UDP on {@code port} in every backend: each datagram is answered at once with "name:payload", except "hold"
     * ones, which are only remembered for {@link #answerHeld(String)} (a reply that arrives later, with no send before it).
     */
    void udpServers(int port) {
        for (int i = 0; i < backendNamespaces.size(); i++) {
            String name = "b" + (i + 1);
            InetAddress address = InetAddress.ofLiteral(backendIp(i + 1));
            DatagramSocket socket = backendNamespaces.get(i).call(() -> new DatagramSocket(new InetSocketAddress(address, port)));
            udpSockets.add(socket);
            Thread.ofPlatform().daemon().name("udp-" + name).start(() -> {
                byte[] buf = new byte[512];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
                        if (text.equals("hold")) {
                            held.set(new DatagramPacket(new byte[0], 0, p.getSocketAddress()));
                            heldBy.set(socket);
                            continue;
                        }
                        byte[] reply = (name + ":" + text).getBytes(StandardCharsets.US_ASCII);
                        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        if (socket.isClosed()) return;
                    }
                }
            });
        }
    }

    /** The sender of the last "hold" datagram, once one arrived. */
    java.util.Optional<java.net.SocketAddress> heldSender() {
        return java.util.Optional.ofNullable(held.get()).map(DatagramPacket::getSocketAddress);
    }

    /** Answers the last "hold" datagram now, from the backend that got it; returns that backend's address. */
    InetAddress answerHeld(String text) throws IOException {
        DatagramPacket to = held.get();
        if (to == null) throw new IllegalStateException("no held datagram");
        byte[] reply = text.getBytes(StandardCharsets.US_ASCII);
        heldBy.get().send(new DatagramPacket(reply, reply.length, to.getSocketAddress()));
        return heldBy.get().getLocalAddress();
    }

    /** One request: connect to the VIP, read the answering backend's name. Call from the client namespace. */
    static String request(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoLinger(true, 0); // no TIME_WAIT pile-up over tens of thousands of connections
            s.connect(new InetSocketAddress(VIP, port), 2000);
            s.setSoTimeout(2000);
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (line == null) throw new IOException("connection closed without a greeting");
            return line;
        }
    }

    @Override
    public void close() {
        udpSockets.forEach(DatagramSocket::close);
        for (ServerSocket s : servers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            Agent.uninstall(pinDir);
        } finally {
            try {
                cgroup.close();
            } finally {
                topology.close();
            }
        }
    }
}
