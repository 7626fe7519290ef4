package dev.ebpf4j.stress;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.XdpProgram;
import dev.ebpf4j.programs.packet.Packets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Packets through the XDP counter from bpf-src with {@code BPF_PROG_TEST_RUN}, against a Java oracle of what it must
 * return and count: the verdict set at load, packets +1 and bytes +length in slot 0 and in the slot of the packet's L4
 * protocol (1 TCP, 2 UDP, 3 ICMP/ICMPv6, 4 anything else, non-IP or too short). Frames shorter than an Ethernet header
 * are refused ({@code ProgramTester} throws before the kernel's test run, which would refuse them too) and must count
 * nothing.
 */
@Tag("kernel")
class XdpOracleProperties {
    private static final int XDP_DROP = 1, XDP_PASS = 2;
    private static BpfObject pass, drop;
    private static PerCpuArrayMap<Value> passCounters, dropCounters;
    private static final AtomicLong TRIED = new AtomicLong(), REFUSED = new AtomicLong();

    /** {@code struct xdp_counter_value}, checked against the object's BTF when the map is narrowed. */
    public record Value(long packets, long bytes) {}

    @BeforeContainer
    static void load() {
        pass = BpfObjects.open(BpfObjects.XDP_COUNTER).load();
        drop = BpfObjects.open(BpfObjects.XDP_COUNTER).constant("verdict", XDP_DROP).load();
        passCounters = PerCpuArrayMap.of(pass.map("counters"), Codec.of(Value.class));
        dropCounters = PerCpuArrayMap.of(drop.map("counters"), Codec.of(Value.class));
    }

    @AfterContainer
    static void close() {
        System.out.printf("fuzz: %-22s %8d inputs (%d refused as shorter than Ethernet), 0 verdict or counter"
                + " disagreements with the oracle%n", "XDP counter test-run", TRIED.get(), REFUSED.get());
        for (AutoCloseable c : new AutoCloseable[] {passCounters, dropCounters, pass, drop}) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The oracle: which slot the program must count a frame in. */
    static int slot(byte[] f) {
        if (f.length < 14) return 4;
        int type = (f[12] & 0xff) << 8 | (f[13] & 0xff);
        int protocol;
        if (type == 0x0800) {
            if (f.length < 14 + 20) return 4;
            protocol = f[14 + 9] & 0xff;
        } else if (type == 0x86DD) {
            if (f.length < 14 + 40) return 4;
            protocol = f[14 + 6] & 0xff;
        } else {
            return 4;
        }
        return switch (protocol) {
            case 6 -> 1;
            case 17 -> 2;
            case 1, 58 -> 3;
            default -> 4;
        };
    }

    @Property
    void verdictAndCountersMatchTheOracle(@ForAll("inputs") byte[] frame, @ForAll boolean dropping) {
        TRIED.incrementAndGet();
        XdpProgram xdp = XdpProgram.of((dropping ? drop : pass).program("xdp_count"));
        PerCpuArrayMap<Value> counters = dropping ? dropCounters : passCounters;
        long[][] before = totals(counters);
        TestRun run;
        try {
            run = ProgramTester.of(xdp).run(frame);
        } catch (IllegalArgumentException | BpfException refused) { // ProgramTester refuses them before the kernel
            if (frame.length >= 14) throw new AssertionError("test run refused a " + frame.length + "-byte frame", refused);
            REFUSED.incrementAndGet();
            assertDeltas(before, totals(counters), -1, 0);
            return;
        }
        if (frame.length < 14) throw new AssertionError("the kernel ran a " + frame.length + "-byte frame");
        int want = dropping ? XDP_DROP : XDP_PASS;
        if (run.verdict() != want) throw new AssertionError("verdict " + run.verdict() + ", oracle " + want);
        assertDeltas(before, totals(counters), slot(frame), frame.length);
    }

    private static void assertDeltas(long[][] before, long[][] after, int slot, long bytes) {
        for (int s = 0; s < 5; s++) {
            long packets = (s == 0 || s == slot) && slot >= 0 ? 1 : 0;
            long dp = after[s][0] - before[s][0], db = after[s][1] - before[s][1];
            if (dp != packets || db != packets * bytes) {
                throw new AssertionError("slot " + s + ": +" + dp + " packets +" + db + " bytes, oracle +" + packets
                        + " packets +" + packets * bytes + " bytes (frame slot " + slot + ")");
            }
        }
    }

    /** Per slot: packets and bytes summed over CPUs. */
    private static long[][] totals(PerCpuArrayMap<Value> counters) {
        long[][] t = new long[5][2];
        for (int s = 0; s < 5; s++) {
            for (Value cpu : counters.get(s).orElseThrow()) {
                t[s][0] += cpu.packets();
                t[s][1] += cpu.bytes();
            }
        }
        return t;
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        Arbitrary<byte[]> mutated = Combinators.combine(validFrames(), Arbitraries.longs())
                .as((f, seed) -> Mutations.mutate(f, seed, 4));
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(200);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, validFrames()), net.jqwik.api.Tuple.of(5, mutated),
                net.jqwik.api.Tuple.of(2, random));
    }

    /** Well-formed frames of every kind the program tells apart, with random addresses, ports and payloads. */
    static Arbitrary<byte[]> validFrames() {
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 7);
        Arbitrary<Integer> port = Arbitraries.integers().between(0, 65_535);
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Integer> octet = Arbitraries.integers().between(0, 255);
        return Combinators.combine(kind, port, port, payload, octet, octet).as((k, sp, dp, body, a, b) -> {
            Packets p = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02");
            if (k == 7) p = p.vlan(sp & 0xfff);
            String src4 = "10." + a + ".0.1", dst4 = "10.0." + b + ".2";
            String src6 = "fd00::" + Integer.toHexString(a), dst6 = "fd00::1:" + Integer.toHexString(b);
            p = switch (k) {
                case 0 -> p.ipv4(src4, dst4).udp(sp, dp);
                case 1 -> p.ipv4(src4, dst4).tcp(sp, dp, Packets.TCP_SYN, sp);
                case 2 -> p.ipv4(src4, dst4).icmpEcho(sp, dp);
                case 3 -> p.ipv6(src6, dst6).udp(sp, dp);
                case 4 -> p.ipv6(src6, dst6).tcp(sp, dp, Packets.TCP_ACK, dp);
                case 5 -> p.ipv6(src6, dst6).icmpEcho(sp, dp);
                default -> p.ipv4(src4, dst4).udp(sp, dp);
            };
            return p.payload(body).build();
        });
    }
}
