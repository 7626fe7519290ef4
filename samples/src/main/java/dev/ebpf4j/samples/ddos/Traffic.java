package dev.ebpf4j.samples.ddos;

import dev.ebpf4j.samples.ddos.XdpDdosSample.Source;
import dev.ebpf4j.testkit.NetNamespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/** The demo's UDP traffic: three senders at once and a victim counting what arrives per source. */
final class Traffic {
    static final int PORT = 9000;
    static final int LEGIT_PACKETS = 50, FLOOD_PACKETS = 5000, BLOCKED_PACKETS = 50;

    private Traffic() {}

    /**
     * What was sent and delivered.
     *
     * @param sent         datagrams each source sent
     * @param delivered    datagrams the victim received from each source
     * @param floodSeconds how long the flooder took to send its datagrams
     */
    record Report(Map<Source, Long> sent, Map<Source, Long> delivered, double floodSeconds) {
        long sent(Source s) {
            return sent.getOrDefault(s, 0L);
        }

        long delivered(Source s) {
            return delivered.getOrDefault(s, 0L);
        }

        String addresses(Source s) {
            int i = s.ordinal() + 1;
            return XdpDdosSample.SOURCE4.formatted(i) + (s == Source.BLOCKED ? ", " + XdpDdosSample.BLOCKED6 : "");
        }
    }

    static Report run(NetNamespace victim, List<NetNamespace> sources) throws Exception {
        DatagramSocket sink = victim.call(() -> new DatagramSocket(new InetSocketAddress("::", PORT)));
        Map<Source, Long> delivered = new EnumMap<>(Source.class);
        // Own platform threads: the common pool may have a single worker on a small machine, which would run the
        // tasks in turn; and virtual threads doing socket I/O start the JDK's epoll pollers, fds that outlive the demo.
        ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory());
        CompletableFuture<Void> receiver = CompletableFuture.runAsync(() -> receive(sink, delivered), pool);
        try (pool) {
            // The legitimate source stays under the rate: 50 datagrams, one every 20 ms.
            var legit = CompletableFuture.runAsync(() -> sources.get(0).run(() ->
                    send(InetAddress.getByName(XdpDdosSample.VICTIM4.formatted(1)), LEGIT_PACKETS, 20_000_000L)), pool);
            // The flooder sends as fast as the veth's XDP ring (256 frames) takes without dropping before XDP sees
            // them: at most 5,000 packets per second.
            var flood = CompletableFuture.supplyAsync(() -> sources.get(1).call(() -> {
                long t0 = System.nanoTime();
                send(InetAddress.getByName(XdpDdosSample.VICTIM4.formatted(2)), FLOOD_PACKETS, 200_000L);
                return (System.nanoTime() - t0) / 1e9;
            }), pool);
            var blocked = CompletableFuture.runAsync(() -> sources.get(2).run(() -> {
                send(InetAddress.getByName(XdpDdosSample.VICTIM4.formatted(3)), BLOCKED_PACKETS / 2, 1_000_000L);
                send(InetAddress.getByName(XdpDdosSample.VICTIM6), BLOCKED_PACKETS / 2, 1_000_000L);
            }), pool);
            CompletableFuture.allOf(legit, flood, blocked).join();
            receiver.join(); // ends 500 ms after the last datagram
            return new Report(Map.of(Source.LEGIT, (long) LEGIT_PACKETS, Source.FLOODER, (long) FLOOD_PACKETS,
                    Source.BLOCKED, (long) BLOCKED_PACKETS), delivered, flood.join());
        } finally {
            sink.close();
        }
    }

    private static void send(InetAddress to, int n, long intervalNanos) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] payload = "ebpf4j ddos sample".getBytes();
            DatagramPacket packet = new DatagramPacket(payload, payload.length, to, PORT);
            for (int i = 0; i < n; i++) {
                socket.send(packet);
                // At least the interval between two sends, never a catch-up burst after a stall: the legitimate
                // source must stay under the rate even on a loaded machine.
                LockSupport.parkNanos(intervalNanos);
            }
        }
    }

    private static void receive(DatagramSocket sink, Map<Source, Long> delivered) {
        byte[] buf = new byte[256];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            sink.setReceiveBufferSize(4 << 20);
            sink.setSoTimeout(3000); // generous for the first datagram, then quiet means done
            while (true) {
                try {
                    sink.receive(p);
                } catch (SocketTimeoutException e) {
                    return;
                }
                sink.setSoTimeout(800);
                delivered.merge(sourceOf(p.getAddress()), 1L, Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Source sourceOf(InetAddress a) {
        String text = a.getHostAddress();
        if (text.endsWith(XdpDdosSample.SOURCE4.formatted(1))) return Source.LEGIT;
        if (text.endsWith(XdpDdosSample.SOURCE4.formatted(2))) return Source.FLOODER;
        return Source.BLOCKED;
    }
}
