package dev.ebpf4j.samples.generated;

import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The class the Maven plugin's generate goal made for {@code src/main/bpf/protocol_stats.bpf.c}: loaded from the class
 * path with a {@code .rodata} constant set before load, its typed maps read what the program wrote when it ran on
 * crafted frames ({@code BPF_PROG_TEST_RUN}), and its globals are live: a {@code .data} value Java sets changes what
 * the program counts, a {@code .bss} counter reads what the program added.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class GeneratedObjectIT {
    private static byte[] frame(int protocol) {
        Packets p = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("10.0.0.1", "10.0.0.2");
        return (protocol == Packets.TCP ? p.tcp(40000, 80, Packets.TCP_SYN, 1) : p.udp(40000, 53)).build();
    }

    @Test
    void typedAccessorsSeeWhatTheProgramDid() {
        try (ProtocolStatsObject obj = ProtocolStatsObject.load(spec -> spec.constant("blocked_protocol", Packets.UDP))) {
            ProgramTester tester = ProgramTester.of(obj.countByProtocol());
            for (int i = 0; i < 3; i++) assertEquals(TestRun.XDP_PASS, tester.run(frame(Packets.TCP)).verdict());
            for (int i = 0; i < 2; i++) assertEquals(TestRun.XDP_DROP, tester.run(frame(Packets.UDP)).verdict(), "UDP is blocked");

            assertEquals(Optional.of(5L), obj.totals().get(0));
            ProtocolStats tcp = obj.byProtocol().get(new ProtocolKey((byte) Packets.TCP, new byte[3])).orElseThrow();
            assertEquals(3, tcp.packets());
            assertEquals(3L * frame(Packets.TCP).length, tcp.bytes());
            assertEquals(Optional.empty(), obj.byProtocol().get(new ProtocolKey((byte) Packets.UDP, new byte[3])),
                    "dropped packets are not counted");

            // the globals, live in the program's memory: .rodata as set before load, .bss as the program left it
            assertEquals((byte) Packets.UDP, obj.blockedProtocol().get());
            assertEquals(5L, obj.seen().get());
            assertEquals(2L, obj.dropped().get());
            obj.sampleEvery().set(2);   // .data, written from Java: the next runs count every second packet only
            for (int i = 0; i < 4; i++) tester.run(frame(Packets.TCP));
            assertEquals(3 + 2, obj.byProtocol().get(new ProtocolKey((byte) Packets.TCP, new byte[3])).orElseThrow().packets());
            obj.seen().set(0L);
            tester.run(frame(Packets.UDP));
            assertEquals(1L, obj.seen().get(), "the program counts on from what Java wrote");
        }
    }
}
