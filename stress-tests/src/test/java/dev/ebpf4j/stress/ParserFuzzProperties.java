package dev.ebpf4j.stress;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.btf.BtfFormatException;
import dev.ebpf4j.maps.Prefix;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.programs.packet.ParsedPacket;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mutated valid inputs into every parser that reads untrusted bytes: ELF objects (libbpf, native), BTF (our Java
 * parser), map codecs (decode of arbitrary bytes, encode of boundary values) and packets ({@link ParsedPacket}).
 * Each may only succeed or fail with its documented exception; anything else, or a JVM crash, is a bug. The tries are
 * counted and printed. Netlink replies are parsed by libbpf ({@code bpf_tc_query}, {@code bpf_xdp_query}), not in
 * Java, so there is no Java netlink parser to fuzz.
 */
class ParserFuzzProperties {
    static final Map<String, AtomicLong> TRIED = new ConcurrentHashMap<>();
    private static final byte[] OBJECT = BpfObjects.bytes(BpfObjects.XDP_COUNTER);
    private static final byte[] BTF = Mutations.elfSection(OBJECT, ".BTF");

    static void count(String what) {
        TRIED.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    @AfterContainer
    static void report() {
        TRIED.forEach((k, v) -> System.out.printf("fuzz: %-22s %8d inputs, 0 crashes, 0 undocumented exceptions%n", k, v.get()));
    }

    @Property
    void mutatedObjectsOpenOrFailWithBpfException(@ForAll long seed) {
        count("ELF object (libbpf)");
        byte[] elf = Mutations.mutate(OBJECT, seed, 8);
        try (BpfObjectSpec spec = BpfObject.open(elf, "fuzz")) {
            spec.maps();
            spec.programs();
        } catch (BpfException | IllegalArgumentException expected) {
            // documented failures: ObjectFormatException (a BpfException) or a rejected argument
        }
    }

    @Property
    void mutatedBtfParsesOrFailsWithBtfFormatException(@ForAll long seed) {
        count("BTF (Java parser)");
        byte[] btf = Mutations.mutate(BTF, seed, 6);
        try {
            Btf parsed = Btf.parse(btf);
            parsed.toString();
        } catch (BtfFormatException expected) {
            // documented failure
        }
    }

    @Property
    void codecsDecodeAnyBytesAndRejectOutOfRangeValues(@ForAll byte[] raw, @ForAll long value) {
        count("codecs");
        byte[] bytes = java.util.Arrays.copyOf(raw, 32);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(32);
            seg.copyFrom(MemorySegment.ofArray(bytes));
            for (Codec<?> c : List.of(Codec.u8(), Codec.u16(), Codec.u32(), Codec.u64(), Codec.s8(), Codec.s16(), Codec.s32(),
                    Codec.s64(), Codec.port(), Codec.be32(), Codec.ipv4(), Codec.ipv6(), Codec.bytes(7), Prefix.ipv4Codec(),
                    Prefix.ipv6Codec(), Codec.array(Codec.u16(), 5))) {
                try {
                    roundTrip(c, seg, arena);
                } catch (IllegalArgumentException documented) {
                    // a prefix length over 32/128 in random bytes is rejected on decode
                }
            }
            checkRange(Codec.u8(), (int) value, 0, 255, arena);
            checkRange(Codec.u16(), (int) value, 0, 65_535, arena);
            checkRange(Codec.port(), (int) value, 0, 65_535, arena);
            checkRange(Codec.u32(), value, 0, 0xFFFF_FFFFL, arena);
        }
    }

    /** Decodes, re-encodes and decodes again: the value must survive (decoding is a pure function of the bytes). */
    private static <T> void roundTrip(Codec<T> c, MemorySegment seg, Arena arena) {
        T v = c.decode(seg, 0);
        MemorySegment out = arena.allocate(Math.max(1, c.size()));
        c.encode(v, out, 0);
        T again = c.decode(out, 0);
        if (!java.util.Objects.deepEquals(v, again)) throw new AssertionError(c + ": " + v + " -> " + again);
    }

    private static <T extends Number> void checkRange(Codec<T> c, T v, long min, long max, Arena arena) {
        MemorySegment out = arena.allocate(8);
        long x = v.longValue();
        boolean inRange = x >= min && x <= max;
        try {
            c.encode(v, out, 0);
            if (!inRange) throw new AssertionError(c + " accepted out-of-range " + v);
            if (c.decode(out, 0).longValue() != x) throw new AssertionError(c + " changed " + v);
        } catch (IllegalArgumentException e) {
            if (inRange) throw new AssertionError(c + " rejected in-range " + v, e);
        }
    }

    @Property
    void mutatedFramesParseOrFailWithIllegalArgument(@ForAll("frames") byte[] valid, @ForAll long seed) {
        count("packets (ParsedPacket)");
        byte[] frame = Mutations.mutate(valid, seed, 4);
        try {
            ParsedPacket.parse(frame).toString();
        } catch (IllegalArgumentException documented) {
            // truncated layer
        }
    }

    @Provide
    Arbitrary<byte[]> frames() {
        return XdpOracleProperties.validFrames();
    }
}
