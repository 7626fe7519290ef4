package dev.ebpf4j.samples.generated;

import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.packet.Packets;

/** The package javadoc's example, compiled with the tests so it cannot drift from the generated API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void example() {
        // @start region="example"
        try (ProtocolStatsObject obj = ProtocolStatsObject.load(spec -> spec.constant("blocked_protocol", Packets.UDP))) {
            byte[] frame = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("10.0.0.1", "10.0.0.2")
                    .tcp(40000, 80, Packets.TCP_SYN, 1).build();
            ProgramTester.of(obj.countByProtocol()).run(frame);                   // SEC("xdp") count_by_protocol
            ProtocolStats tcp = obj.byProtocol().get(new ProtocolKey((byte) Packets.TCP, new byte[3])).orElseThrow();
            long all = obj.totals().get(0).orElseThrow();                        // 1 packet, tcp.packets() == 1
        }
        // @end
    }
}
