package dev.ebpf4j.bpf;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapSpec;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counter object loads through core and counts: runs it on packets with {@code BPF_PROG_TEST_RUN} (no attach,
 * no interface) and reads the per-CPU counters back. Attaching to an interface is the programs module's to test.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class XdpCounterIT {
    private static final int XDP_DROP = 1, XDP_PASS = 2;
    private static final int SLOT_ALL = 0, SLOT_TCP = 1, SLOT_UDP = 2;
    private static final MethodHandle TEST_RUN = Native.downcall("bpf_prog_test_run_opts",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle LOOKUP = Native.downcall("bpf_map_lookup_elem",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle POSSIBLE_CPUS = Native.downcall("libbpf_num_possible_cpus",
            FunctionDescriptor.of(ValueLayout.JAVA_INT));

    @Test
    void specHasTheDocumentedMapAndProgram() {
        try (BpfObjectSpec spec = BpfObjects.open(BpfObjects.XDP_COUNTER)) {
            MapSpec counters = spec.maps().stream().filter(m -> m.name().equals("counters")).findFirst().orElseThrow();
            assertEquals(MapType.PERCPU_ARRAY, counters.type());
            assertEquals(4, counters.keySize());
            assertEquals(16, counters.valueSize());
            assertEquals(5, counters.maxEntries());
            var program = spec.programs().getFirst();
            assertEquals("xdp_count", program.name());
            assertEquals(ProgramType.XDP, program.type());
            assertEquals(1, spec.programs().size());
        }
    }

    @Test
    void countsPacketsAndBytesPerProtocolAndPasses() throws Throwable {
        try (BpfObject obj = BpfObjects.open(BpfObjects.XDP_COUNTER).load()) {
            byte[] udp = ipv4Packet(17, 64), tcp = ipv4Packet(6, 80);
            assertEquals(XDP_PASS, run(obj, udp, 7));
            assertEquals(XDP_PASS, run(obj, tcp, 3));
            MapHandle counters = obj.map("counters");
            assertEquals(new Counter(10, 7L * udp.length + 3L * tcp.length), read(counters, SLOT_ALL));
            assertEquals(new Counter(7, 7L * udp.length), read(counters, SLOT_UDP));
            assertEquals(new Counter(3, 3L * tcp.length), read(counters, SLOT_TCP));
        }
    }

    @Test
    void verdictConstantMakesItDrop() throws Throwable {
        try (BpfObject obj = BpfObjects.open(BpfObjects.XDP_COUNTER).constant("verdict", XDP_DROP).load()) {
            assertEquals(XDP_DROP, run(obj, ipv4Packet(17, 60), 2));
            assertEquals(2, read(obj.map("counters"), SLOT_ALL).packets());
        }
    }

    record Counter(long packets, long bytes) {}

    private static int run(BpfObject obj, byte[] packet, int repeat) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(80, 8);   // struct bpf_test_run_opts, libbpf 1.4
            opts.set(ValueLayout.JAVA_LONG, 0, 80);
            opts.set(ValueLayout.ADDRESS, 8, arena.allocateFrom(ValueLayout.JAVA_BYTE, packet));
            opts.set(ValueLayout.JAVA_INT, 24, packet.length);
            opts.set(ValueLayout.JAVA_INT, 60, repeat);
            int err = (int) TEST_RUN.invokeExact(obj.program("xdp_count").fd(), opts);
            assertEquals(0, err, "bpf_prog_test_run_opts");
            return opts.get(ValueLayout.JAVA_INT, 56);
        }
    }

    private static Counter read(MapHandle map, int slot) throws Throwable {
        int cpus = (int) POSSIBLE_CPUS.invokeExact();
        assertTrue(cpus > 0, "libbpf_num_possible_cpus");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, slot);
            MemorySegment values = arena.allocate(16L * cpus, 8);
            assertEquals(0, (int) LOOKUP.invokeExact(map.fd(), key, values), "bpf_map_lookup_elem");
            long packets = 0, bytes = 0;
            for (int cpu = 0; cpu < cpus; cpu++) {
                packets += values.get(ValueLayout.JAVA_LONG, 16L * cpu);
                bytes += values.get(ValueLayout.JAVA_LONG, 16L * cpu + 8);
            }
            return new Counter(packets, bytes);
        }
    }

    /** Ethernet + IPv4 with this protocol number, zero-padded to {@code length} bytes (XDP test runs need >= 14). */
    private static byte[] ipv4Packet(int protocol, int length) {
        byte[] p = new byte[length];
        p[12] = 0x08;            // EtherType IPv4
        p[14] = 0x45;            // version 4, IHL 5
        p[16] = 0;
        p[17] = (byte) (length - 14);
        p[22] = 64;              // TTL
        p[23] = (byte) protocol;
        p[26] = 10; p[29] = 1;   // 10.0.0.1 -> 10.0.0.2 (never sent anywhere: test runs stay in the kernel)
        p[30] = 10; p[33] = 2;
        return p;
    }
}
