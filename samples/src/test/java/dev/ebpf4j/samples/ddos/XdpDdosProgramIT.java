package dev.ebpf4j.samples.ddos;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.bpf.DdosBucket;
import dev.ebpf4j.bpf.DdosReason;
import dev.ebpf4j.bpf.DdosStat;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.LpmTrieMap;
import dev.ebpf4j.maps.LruHashMap;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.Prefix;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.Length;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sample's XDP program on crafted frames through BPF_PROG_TEST_RUN: each verdict and counter, no network. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class XdpDdosProgramIT {
    static final String A = "02:00:00:00:00:01", B = "02:00:00:00:00:02";

    /**
     * {@code struct ddos_source}. The generated {@code DdosSource} cannot serve as a codec: its array component has
     * no {@code @Length}, which {@code Codec.of} needs.
     */
    record Source(@Length(16) byte[] addr) {}

    static byte[] udp4(String source) {
        return Packets.ethernet(A, B).ipv4(source, "10.0.0.2").udp(1000, 9000).build();
    }

    static byte[] udp6(String source) {
        return Packets.ethernet(A, B).ipv6(source, "2001:db8::2").udp(1000, 9000).build();
    }

    @Test
    void blocklistTokenBucketAndPassThrough() {
        // 1 packet per second with a burst of 3: within one test run's microseconds, the 4th packet is over the limit.
        try (BpfObject obj = BpfObjects.open(BpfObjects.SAMPLE_XDP_DDOS).constant("rate_pps", 1).constant("burst", 3).load()) {
            LpmTrieMap.of(obj.map("ddos_block_v4"), Prefix.ipv4Codec(), Codec.u32()).put(Prefix.of("10.9.0.0/16"), 1L);
            LpmTrieMap.of(obj.map("ddos_block_v6"), Prefix.ipv6Codec(), Codec.u32()).put(Prefix.of("2001:db8:bad::/48"), 2L);
            ProgramTester xdp = ProgramTester.of(XdpProgram.of(obj.program("xdp_ddos")));

            assertEquals(TestRun.XDP_DROP, xdp.run(udp4("10.9.200.1")).verdict(), "inside 10.9.0.0/16");
            assertEquals(TestRun.XDP_DROP, xdp.run(udp6("2001:db8:bad:1::5")).verdict(), "inside 2001:db8:bad::/48");
            assertEquals(TestRun.XDP_PASS, xdp.run(udp6("2001:db8:beef::5")).verdict(), "outside the IPv6 blocklist");

            List<Integer> verdicts = new ArrayList<>();
            for (int i = 0; i < 5; i++) verdicts.add(xdp.run(udp4("10.1.1.1")).verdict());
            assertEquals(List.of(TestRun.XDP_PASS, TestRun.XDP_PASS, TestRun.XDP_PASS, TestRun.XDP_DROP, TestRun.XDP_DROP), verdicts);
            assertEquals(TestRun.XDP_PASS, xdp.run(udp4("10.1.1.2")).verdict(), "another source has its own bucket");

            byte[] arp = HexFormat.of().parseHex("020000000002" + "020000000001" + "0806" + "00".repeat(28));
            for (int i = 0; i < 5; i++) assertEquals(TestRun.XDP_PASS, xdp.run(arp).verdict(), "non-IP frames always pass");

            var stats = PerCpuArrayMap.of(obj.map("ddos_stats"), Codec.of(DdosStat.class));
            assertEquals(2, packets(stats, DdosReason.DDOS_BLOCKLISTED));
            assertEquals(2, packets(stats, DdosReason.DDOS_RATE_LIMITED));
            assertEquals(5, packets(stats, DdosReason.DDOS_PASSED), "3 from 10.1.1.1, 1 from 10.1.1.2, 1 IPv6");

            var buckets = LruHashMap.of(obj.map("ddos_buckets"), Codec.of(Source.class), Codec.of(DdosBucket.class));
            List<String> sources = new ArrayList<>();
            for (Source key : buckets.keys()) sources.add(HexFormat.of().formatHex(key.addr()));
            sources.sort(null);
            // IPv4 sources are keyed as IPv4-mapped IPv6 addresses; blocklisted sources never get a bucket.
            assertEquals(List.of("00000000000000000000ffff0a010101", "00000000000000000000ffff0a010102",
                    "20010db8beef00000000000000000005"), sources);
        }
    }

    private static long packets(PerCpuArrayMap<DdosStat> stats, int reason) {
        return stats.get(reason).orElseThrow().stream().mapToLong(DdosStat::packets).sum();
    }
}
