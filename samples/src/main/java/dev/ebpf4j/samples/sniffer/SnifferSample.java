package dev.ebpf4j.samples.sniffer;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.SocketFilterProgram;
import dev.ebpf4j.programs.packet.ParsedPacket;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.util.ArrayList;
import java.util.List;

/**
 * A socket-filter sniffer: a BPF socket filter on an {@code AF_PACKET} socket in a "server" namespace keeps TCP SYNs,
 * DNS and one chosen port and drops everything else in the kernel, before it is copied to the socket. A "client"
 * namespace sends a mix (two connection attempts, DNS queries, datagrams to the chosen port and to another port);
 * the sample prints the captured frames, parsed, and exits with status 1 unless exactly the expected ones were kept.
 *
 * <pre>scripts/run-sample.sh sniffer [PORT]</pre>
 */
public final class SnifferSample {
    static final String CLIENT = "10.230.0.1", SERVER = "10.230.0.2";

    private SnifferSample() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7000;
        Capture c = run(port);
        List<String> problems = c.problems();
        problems.forEach(p -> System.out.println("CHECK FAILED: " + p));
        System.out.println(problems.isEmpty() ? "captured exactly the expected packets" : problems.size() + " check(s) failed");
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    /** Runs the demo, keeping {@code port} besides SYNs and DNS. */
    public static Capture run(int port) throws Exception {
        try (Topology topology = Topology.create("e4j-sniff")) {
            NetNamespace client = topology.namespace("client"), server = topology.namespace("server");
            topology.veth(client, "eth0", CLIENT + "/24", server, "eth0", SERVER + "/24");
            topology.verifyIsolated();

            // region sniffer
            try (BpfObject obj = BpfObjects.open(BpfObjects.SAMPLE_SNIFFER).constant("port", port).load()) {
                SocketFilterProgram filter = SocketFilterProgram.of(obj.program("sniff"));
                var stats = PerCpuArrayMap.of(obj.map("sniff_stats"), Codec.u64());
                List<PacketSocket.Frame> frames = server.call(() -> {
                    try (PacketSocket socket = new PacketSocket(500); Link link = filter.attach(socket.fd())) {
                        socket.discardQueued(); // captured before the filter was attached
                        MixedTraffic.Sent sent = MixedTraffic.send(client, server, SERVER, port);
                        System.out.println("sent: " + sent);
                        return socket.drain();
                    }
                });
                List<ParsedPacket> captured = new ArrayList<>();
                for (PacketSocket.Frame f : frames) {
                    ParsedPacket p = ParsedPacket.parse(f.bytes());
                    captured.add(p);
                    System.out.println((f.outgoing() ? "out " : "in  ") + Summary.of(p));
                }
                long kept = sum(stats.get(0).orElseThrow()), dropped = sum(stats.get(1).orElseThrow());
                System.out.printf("filter kept %d frames and dropped %d in the kernel%n", kept, dropped);
                return new Capture(port, captured, kept, dropped);
            }
            // endregion
        }
    }

    private static long sum(List<Long> perCpu) {
        return perCpu.stream().mapToLong(Long::longValue).sum();
    }

    /**
     * What the sniffer saw.
     *
     * @param port     the chosen port
     * @param packets  captured frames, parsed
     * @param kept     frames the filter kept
     * @param dropped  frames the filter dropped
     */
    public record Capture(int port, List<ParsedPacket> packets, long kept, long dropped) {
        /** Failed checks: the expected SYNs, DNS queries and port datagrams, and nothing else. */
        public List<String> problems() {
            List<String> p = new ArrayList<>();
            long syns = count(Summary::isSyn), dns = count(Summary::isDns), chosen = count(x -> Summary.hasPort(x, port));
            long other = packets.size() - syns - dns - chosen;
            if (syns != MixedTraffic.CONNECTS) p.add("expected " + MixedTraffic.CONNECTS + " SYNs, captured " + syns);
            if (dns != MixedTraffic.DNS_QUERIES) p.add("expected " + MixedTraffic.DNS_QUERIES + " DNS packets, captured " + dns);
            if (chosen != MixedTraffic.PORT_DATAGRAMS) p.add("expected " + MixedTraffic.PORT_DATAGRAMS + " port " + port + " packets, captured " + chosen);
            if (other != 0) p.add(other + " captured packets should have been filtered out");
            if (dropped < MixedTraffic.NOISE_DATAGRAMS) p.add("the filter dropped only " + dropped + " frames");
            return p;
        }

        private long count(java.util.function.Predicate<ParsedPacket> what) {
            return packets.stream().filter(what).count();
        }
    }
}
