package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.MapFullException;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.ringbuf.PerfBufferReader;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The map types beyond hash and array: each created (or narrowed), written and read back in the kernel. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class OtherMapTypesIT {
    @RegisterExtension
    static final LoadedTestObject obj = new LoadedTestObject();

    @Test
    void queueAndStack() {
        // region queue-stack
        try (QueueMap<Integer> q = QueueMap.create("t_queue", 2, Codec.s32()); StackMap<Integer> s = StackMap.create("t_stack", 2, Codec.s32())) {
            q.push(1);
            q.push(2);
            assertThrows(MapFullException.class, () -> q.push(3));
            q.pushOverwriting(3); // drops 1
            assertEquals(Optional.of(2), q.peek());
            assertEquals(Optional.of(2), q.pop());
            assertEquals(Optional.of(3), q.pop());
            assertEquals(Optional.empty(), q.pop());
            s.push(1);
            s.push(2);
            assertEquals(Optional.of(2), s.pop());
            assertThrows(IllegalArgumentException.class, () -> QueueMap.create(MapSpec.of(MapType.QUEUE, "t_q", 4, 4, 2), Codec.s32()));
        }
        // endregion
    }

    @Test
    void lpmTrieIpv4AndIpv6() {
        // region lpm-trie
        try (LpmTrieMap<Prefix, Integer> v4 = LpmTrieMap.create("t_lpm4", 16, Prefix.ipv4Codec(), Codec.s32());
             LpmTrieMap<Prefix, Integer> v6 = LpmTrieMap.create("t_lpm6", 16, Prefix.ipv6Codec(), Codec.s32())) {
            v4.put(Prefix.of("10.0.0.0/8"), 8);
            v4.put(Prefix.of("10.1.0.0/16"), 16);
            assertEquals(Optional.of(16), v4.get(Prefix.host("10.1.2.3")));
            assertEquals(Optional.of(8), v4.get(Prefix.host("10.2.2.3")));
            assertEquals(Optional.empty(), v4.get(Prefix.host("11.0.0.1")));
            assertEquals(Prefix.of("10.0.0.0/8"), Prefix.of("10.9.9.9/8"), "host bits are cleared");
            v6.put(Prefix.of("fd00::/8"), 1);
            assertEquals(Optional.of(1), v6.get(Prefix.host("fd12::1")));
            assertThrows(IllegalArgumentException.class, () -> v6.put(Prefix.of("10.0.0.0/8"), 2), "IPv4 key in an IPv6 trie");
            List<Prefix> keys = new ArrayList<>();
            v4.keys().forEach(keys::add);
            assertEquals(2, keys.size());
            assertEquals(2, v4.getAll().size(), "batch lookup or its fallback");
        }
        // endregion
    }

    @Test
    void bloomFilter() {
        // region bloom-filter
        try (BloomFilterMap<Integer> b = BloomFilterMap.create("t_bloom", 100, 3, Codec.s32())) {
            for (int i = 0; i < 50; i++) b.add(i);
            for (int i = 0; i < 50; i++) assertTrue(b.mightContain(i), "no false negatives");
            int falsePositives = 0;
            for (int i = 1000; i < 1100; i++) if (b.mightContain(i)) falsePositives++;
            assertTrue(falsePositives < 50, falsePositives + " false positives");
        }
        // endregion
    }

    @Test
    void devMapsAndCpuMapHoldIfindexesAndQueueSizes() {
        // region devmap-cpumap
        try (DevMap<Integer> dev = DevMap.create("t_dev", 4, Codec.s32());
             DevMapHash<Integer, Integer> devHash = DevMapHash.create("t_devh", 4, Codec.s32(), Codec.s32());
             CpuMap<Integer> cpu = CpuMap.create("t_cpu", 1, Codec.s32())) {
            dev.put(0, 1); // ifindex 1 is lo
            assertEquals(Optional.of(1), dev.get(0));
            devHash.put(77, 1);
            assertEquals(Optional.of(1), devHash.get(77));
            BpfException nodev = assertThrows(BpfException.class, () -> dev.put(1, 999_999));
            assertEquals(Errno.EINVAL, nodev.errno(), "no such device");
            cpu.put(0, 192);
            assertEquals(Optional.of(192), cpu.get(0));
        }
        // endregion
    }

    @Test
    void socketAndXdpSocketMapsRejectNonSockets() {
        // region sockmap-xskmap
        try (SockMap<Integer> sm = SockMap.create("t_sockm", 2, Codec.s32());
             SockHash<Integer, Integer> sh = SockHash.create("t_sockh", 2, Codec.s32(), Codec.s32());
             XskMap<Integer> xsk = XskMap.create("t_xsk", 2, Codec.s32())) {
            int notASocket = sm.fd(); // a map fd is not a socket
            assertThrows(BpfException.class, () -> sm.put(0, notASocket));
            assertThrows(BpfException.class, () -> sh.put(1, notASocket));
            assertThrows(BpfException.class, () -> xsk.put(0, notASocket));
            assertFalse(sh.remove(1));
        }
        // endregion
    }

    @Test
    void progArrayAndMapsOfMaps() {
        // region prog-array-maps-of-maps
        try (ProgArray<Integer> jumps = ProgArray.create("t_jumps", 2, Codec.s32());
             ArrayMap<Long> template = ArrayMap.create("t_inner", 4, Codec.s64());
             ArrayMap<Long> inner = ArrayMap.create("t_inner2", 4, Codec.s64())) {
            jumps.set(0, obj.program("emit"));
            assertTrue(jumps.get(0).orElseThrow() > 0, "lookup returns the program id");
            assertEquals(Optional.empty(), jumps.get(1));
            assertTrue(jumps.remove(0));
            try (ArrayOfMaps<Integer> outer = ArrayOfMaps.create(MapSpec.of(MapType.ARRAY_OF_MAPS, "t_aom", 4, 4, 2).withInnerMap(template), Codec.s32());
                 HashOfMaps<Integer, Integer> hom = HashOfMaps.create(MapSpec.of(MapType.HASH_OF_MAPS, "t_hom", 4, 4, 2).withInnerMap(template), Codec.s32(), Codec.s32())) {
                outer.set(1, inner);
                assertTrue(outer.get(1).orElseThrow() > 0, "lookup returns the inner map id");
                hom.put(5, inner.fd());
                assertTrue(hom.get(5).isPresent());
                assertTrue(hom.remove(5));
            }
        }
        // endregion
    }

    @Test
    void perfBufferReaderReadsSamplesFromAnXdpProgram() {
        // region perf-buffer
        PerfEventArray events = PerfEventArray.of(obj.map("perf_events"));
        try (PerfBufferReader reader = PerfBufferReader.open(events, 2)) {
            TestObjects.testRun(obj.program("emit_perf"), 100);
            List<Long> seqs = new ArrayList<>();
            int n = 0;
            while (n < 100) {
                int got = reader.poll(Duration.ofSeconds(2), (cpu, r) -> {
                    assertEquals(0xFEED, r.get(ValueLayout.JAVA_INT_UNALIGNED, 12));
                    assertEquals(cpu, r.get(ValueLayout.JAVA_INT_UNALIGNED, 8));
                    seqs.add(r.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
                });
                assertTrue(got > 0, "timed out after " + n);
                n += got;
            }
            for (int i = 1; i < seqs.size(); i++) assertEquals(seqs.get(i - 1) + 1, seqs.get(i));
            assertEquals(0, reader.lostSamples());
        }
        // endregion
    }

    @Test
    void perfBufferCountsLostSamplesWhenFull() {
        PerfEventArray events = PerfEventArray.of(obj.map("perf_events"));
        TestObjects.pinThread(0); // the LOST record is written to the CPU whose ring overflowed
        try (PerfBufferReader reader = PerfBufferReader.open(events, 1)) {
            TestObjects.testRun(obj.program("emit_perf"), 2000); // 2000 x 40 B into a 4 KiB ring
            int read = drainAll(reader);
            // The kernel writes the LOST record with the next sample that fits, so emit one more after draining.
            TestObjects.testRun(obj.program("emit_perf"), 1);
            read += drainAll(reader);
            assertTrue(reader.lostSamples() > 0, "read " + read + ", lost " + reader.lostSamples());
            assertEquals(2001, read + reader.lostSamples());
        } finally {
            TestObjects.pinThread(-1);
        }
    }

    private static int drainAll(PerfBufferReader reader) {
        int read = 0;
        while (true) {
            int got = reader.poll(Duration.ofMillis(200), (cpu, r) -> {});
            if (got == 0) return read;
            read += got;
        }
    }
}
