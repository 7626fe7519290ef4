package dev.ebpf4j.maps.sim;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.maps.BloomFilter;
import dev.ebpf4j.maps.KeyValueMap;
import dev.ebpf4j.maps.PutMode;
import dev.ebpf4j.maps.codec.Codec;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The simulations the shared property suite does not cover: ring buffer, bloom filter, fd arrays, use after close. */
class SimulationsTest {
    @Test
    void ringBufferDeliversInOrderAndDropsWhatDoesNotFit() {
        try (SimulatedRingBuffer ring = new SimulatedRingBuffer(4096)) {
            for (long i = 0; i < 300; i++) {
                byte[] r = new byte[8];
                java.lang.foreign.MemorySegment.ofArray(r).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, i);
                ring.submit(r);
            }
            assertEquals(300 - 4096 / 16, ring.dropped(), "16 bytes per 8-byte record");
            List<Long> seen = new ArrayList<>();
            assertEquals(256, ring.poll(Duration.ZERO, (s, r) -> seen.add(r.get(ValueLayout.JAVA_LONG_UNALIGNED, 0))));
            for (int i = 0; i < seen.size(); i++) assertEquals(i, seen.get(i));
            assertEquals(0, ring.drain((s, r) -> fail(), 10));
        }
    }

    @Test
    void ringBufferCloseWakesAPoll() throws Exception {
        SimulatedRingBuffer ring = new SimulatedRingBuffer(4096);
        CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> ring.poll(Duration.ofSeconds(30), (s, r) -> {}));
        Thread.sleep(100);
        ring.close();
        assertEquals(0, f.get(5, TimeUnit.SECONDS));
    }

    @Test
    void bloomFilterAndFdArray() {
        try (BloomFilter<Integer> b = SimulatedMaps.bloomFilter(Codec.s32())) {
            b.add(1);
            assertTrue(b.mightContain(1));
            assertFalse(b.mightContain(2));
        }
        try (KeyValueMap<Integer, Integer> progs = SimulatedMaps.fdArray("jumps", 4, Codec.s32())) {
            assertEquals(Optional.empty(), progs.get(0));
            progs.put(0, 7);
            assertEquals(Optional.of(7), progs.get(0));
            BpfException e = assertThrows(BpfException.class, () -> progs.put(1, 7, PutMode.NO_EXIST));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(progs.remove(0));
            assertThrows(IndexOutOfBoundsException.class, () -> progs.get(4));
        }
    }

    @Test
    void useAfterCloseIsAnIllegalStateException() {
        KeyValueMap<Integer, Long> m = SimulatedMaps.hash("h", 4, Codec.s32(), Codec.s64());
        m.close();
        assertThrows(IllegalStateException.class, () -> m.get(1));
        var q = SimulatedMaps.queue("q", 2, Codec.s64());
        q.close();
        assertThrows(IllegalStateException.class, () -> q.push(1L));
        assertThrows(IllegalArgumentException.class, () -> SimulatedMaps.lruPerCpuHash("l", 4, Codec.s32(), Codec.s64(), 2).put(1, List.of(1L)));
    }
}
