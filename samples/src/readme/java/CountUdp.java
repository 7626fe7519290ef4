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

/** Counts with XDP the UDP datagrams that arrive on a veth: two fresh namespaces, no route out, removed at the end. */
public class CountUdp {
    public static void main(String[] args) throws Exception {
        try (Topology net = Topology.create("e4j-rdme");
             BpfObject obj = BpfObjects.open(BpfObjects.XDP_COUNTER).load()) {
            NetNamespace tx = net.namespace("tx"), rx = net.namespace("rx");
            net.veth(tx, "veth-tx", "10.201.0.1/24", rx, "veth-rx", "10.201.0.2/24");
            net.verifyIsolated();
            var counters = PerCpuArrayMap.of(obj.map("counters"), Codec.of(XdpCounterValue.class));
            XdpProgram counter = XdpProgram.of(obj.program("xdp_count"));
            try (Link link = rx.call(() -> counter.attach("veth-rx", XdpMode.NATIVE))) {
                tx.run(() -> {
                    try (DatagramChannel udp = DatagramChannel.open()) {
                        for (int i = 0; i < 10; i++) udp.send(ByteBuffer.wrap("hi".getBytes()), new InetSocketAddress("10.201.0.2", 9));
                    }
                });
                long udp = counters.get(XdpCounterSlot.XDP_COUNTER_UDP).orElseThrow().stream()
                        .mapToLong(XdpCounterValue::packets).sum();
                System.out.println(link.info() + "\nXDP counted " + udp + " of 10 UDP datagrams");
                if (udp != 10) throw new IllegalStateException("expected 10");
            }
        }
    }
}
