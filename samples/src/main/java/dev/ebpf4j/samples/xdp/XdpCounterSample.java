package dev.ebpf4j.samples.xdp;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.bpf.XdpCounterSlot;
import dev.ebpf4j.bpf.XdpCounterValue;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.Link;
import dev.ebpf4j.programs.XdpMode;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;

/**
 * The XDP counter on a real veth pair: two namespaces joined by a veth (nothing else, no route out), the counter
 * attached to one end, N UDP datagrams sent from the other, and the count read back from the per-CPU map.
 * Exits with status 1 if the UDP count is not exactly N.
 *
 * <pre>scripts/run-sample.sh xdp-counter [N]</pre>
 */
public final class XdpCounterSample {
    private XdpCounterSample() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        System.exit(run(n) == n ? 0 : 1);
    }

    /** Runs the demo and returns the UDP packets the program counted. */
    public static long run(int n) throws Exception {
        try (Topology topology = Topology.create("e4j-demo")) {
            NetNamespace sender = topology.namespace("tx"), receiver = topology.namespace("rx");
            topology.veth(sender, "veth-tx", "10.201.0.1/24", receiver, "veth-rx", "10.201.0.2/24");
            topology.verifyIsolated();

            // region counter
            try (BpfObject obj = BpfObjects.open(BpfObjects.XDP_COUNTER).load()) {
                var counters = PerCpuArrayMap.of(obj.map("counters"), Codec.of(XdpCounterValue.class));
                XdpProgram counter = XdpProgram.of(obj.program("xdp_count"));
                try (Link link = receiver.call(() -> counter.attach("veth-rx", XdpMode.NATIVE))) {
                    System.out.println("attached: " + link.info());
                    sender.run(() -> sendUdp(n, new InetSocketAddress("10.201.0.2", 9)));
                    long udp = packets(counters.get(XdpCounterSlot.XDP_COUNTER_UDP).orElseThrow());
                    long all = packets(counters.get(XdpCounterSlot.XDP_COUNTER_ALL).orElseThrow());
                    System.out.printf("sent %d UDP datagrams; XDP counted %d UDP packets (%d packets in all)%n", n, udp, all);
                    return udp;
                }
            }
            // endregion
        }
    }

    private static long packets(List<XdpCounterValue> perCpu) {
        return perCpu.stream().mapToLong(XdpCounterValue::packets).sum();
    }

    private static void sendUdp(int n, InetSocketAddress to) {
        try (DatagramChannel channel = DatagramChannel.open()) {
            ByteBuffer payload = ByteBuffer.wrap("ebpf4j".getBytes());
            for (int i = 0; i < n; i++) {
                channel.send(payload.rewind(), to);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
