package dev.ebpf4j.samples.tccounter;

import dev.ebpf4j.testkit.NetNamespace;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The demo's datagrams between pods, and the counts they should produce. */
final class PodTraffic {
    static final int PORT = 9100;
    /** Bytes TC counts on top of the payload: Ethernet (14), IPv4 (20) and UDP (8) headers. */
    static final int HEADERS = 14 + 20 + 8;

    private PodTraffic() {}

    /** {@code count} datagrams of {@code size} payload bytes from pod {@code from} to pod {@code to}. */
    record Send(String from, String to, int count, int size) {}

    static Map<String, PodCounts> expected(List<Send> plan) {
        Map<String, long[]> acc = new LinkedHashMap<>();
        for (String pod : List.of("a", "b", "c")) acc.put(pod, new long[4]);
        for (Send s : plan) {
            long bytes = (long) s.count * (s.size + HEADERS);
            acc.get(s.from)[0] += s.count;
            acc.get(s.from)[1] += bytes;
            acc.get(s.to)[2] += s.count;
            acc.get(s.to)[3] += bytes;
        }
        Map<String, PodCounts> out = new LinkedHashMap<>();
        acc.forEach((pod, v) -> out.put(pod, new PodCounts(v[0], v[1], v[2], v[3])));
        return out;
    }

    /** Sends the plan with a receiver in every pod, and checks every datagram arrived. */
    static void send(List<Send> plan, Map<String, NetNamespace> pods, Map<String, String> ips) throws Exception {
        List<DatagramSocket> sinks = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        AtomicLong received = new AtomicLong();
        try {
            for (var e : pods.entrySet()) {
                DatagramSocket sink = e.getValue().call(() -> new DatagramSocket(new InetSocketAddress(ips.get(e.getKey()), PORT)));
                sinks.add(sink);
                readers.add(Thread.ofPlatform().start(() -> drain(sink, received)));
            }
            for (Send s : plan) {
                pods.get(s.from).run(() -> {
                    try (DatagramSocket socket = new DatagramSocket()) {
                        byte[] payload = new byte[s.size];
                        InetAddress to = InetAddress.getByName(ips.get(s.to));
                        for (int i = 0; i < s.count; i++) socket.send(new DatagramPacket(payload, payload.length, to, PORT));
                    }
                });
            }
            for (Thread t : readers) t.join();
        } finally {
            sinks.forEach(DatagramSocket::close);
        }
        long sent = plan.stream().mapToLong(Send::count).sum();
        if (received.get() != sent) throw new IllegalStateException("pods received " + received + " of " + sent + " datagrams");
    }

    private static void drain(DatagramSocket sink, AtomicLong received) {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            sink.setSoTimeout(1000);
            while (true) {
                sink.receive(p);
                received.incrementAndGet();
            }
        } catch (SocketTimeoutException e) {
            // quiet for a second: done
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
