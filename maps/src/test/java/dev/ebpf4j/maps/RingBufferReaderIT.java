package dev.ebpf4j.maps;

import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Records written by a real XDP program (run with BPF_PROG_TEST_RUN) and read back over shared memory. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class RingBufferReaderIT {
    @RegisterExtension
    static final LoadedTestObject obj = new LoadedTestObject();

    @Test
    void readsEveryRecordInOrderSkippingDiscarded() {
        // region ringbuf
        RingBuffer events = RingBuffer.of(obj.map("events"));
        try (RingBufferReader reader = RingBufferReader.of(events)) {
            reader.drain((s, r) -> {}, Integer.MAX_VALUE); // records of other tests
            List<Long> seqs = new ArrayList<>();
            TestObjects.testRun(obj.program("emit"), 300);
            int n = 0;
            while (n < 300 - 300 / 7 - 1) {
                int got = reader.poll(Duration.ofSeconds(2), (source, record) -> {
                    assertEquals(16, record.byteSize());
                    assertEquals(0xE4B7, record.get(ValueLayout.JAVA_INT_UNALIGNED, 12));
                    seqs.add(record.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
                });
                assertTrue(got > 0, "timed out after " + n + " records");
                n += got;
            }
            for (int i = 1; i < seqs.size(); i++) {
                long prev = seqs.get(i - 1), cur = seqs.get(i);
                long expected = prev + 1 + ((prev + 1) % 7 == 3 ? 1 : 0);
                assertEquals(expected, cur, "record after seq " + prev);
            }
            for (long s : seqs) assertNotEquals(3, s % 7, "discarded records must not be delivered");
            assertEquals(0, reader.pending());
        }
        // endregion
    }

    @Test
    void sliceHandlerSeesTheSameRecordsAsPositionsInOneReadOnlySegment() {
        try (RingBufferReader reader = RingBufferReader.of(RingBuffer.of(obj.map("events")))) {
            reader.drain((s, r) -> {}, Integer.MAX_VALUE);
            TestObjects.testRun(obj.program("emit"), 50);
            List<Long> seqs = new ArrayList<>();
            java.util.Set<java.lang.foreign.MemorySegment> segments = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            int got = reader.poll(Duration.ofSeconds(2), (source, data, offset, length) -> {
                assertEquals(0, source);
                assertEquals(16, length);
                assertTrue(data.isReadOnly());
                assertEquals(0xE4B7, data.get(ValueLayout.JAVA_INT_UNALIGNED, offset + 12));
                seqs.add(data.get(ValueLayout.JAVA_LONG_UNALIGNED, offset));
                segments.add(data);
            });
            assertTrue(got >= 50 - 50 / 7 - 1 && got <= 50 - 50 / 7, got + " records: the discarded ones are skipped");
            assertEquals(got, seqs.size());
            for (int i = 1; i < seqs.size(); i++) {
                long prev = seqs.get(i - 1);
                assertEquals(prev + 1 + ((prev + 1) % 7 == 3 ? 1 : 0), seqs.get(i), "record after seq " + prev);
            }
            assertEquals(1, segments.size(), "one segment for every record of a buffer");
            assertEquals(0, reader.drain((s, d, o, l) -> fail("nothing left"), 10));
            assertEquals(0, reader.pending());
        }
    }

    @Test
    void severalRingBuffersInOneEpollSet() {
        try (RingBufferReader reader = RingBufferReader.of(RingBuffer.of(obj.map("events")), RingBuffer.of(obj.map("other_events")))) {
            reader.drain((s, r) -> {}, Integer.MAX_VALUE);
            TestObjects.testRun(obj.program("emit_other"), 3);
            List<Integer> sources = new ArrayList<>();
            int got = reader.poll(Duration.ofSeconds(2), (source, record) -> {
                sources.add(source);
                assertEquals(0xBEEF, record.get(ValueLayout.JAVA_INT_UNALIGNED, 12));
            });
            assertEquals(3, got);
            assertEquals(List.of(1, 1, 1), sources);
            assertEquals(0, reader.drain((s, r) -> fail("nothing left"), 10));
        }
    }

    @Test
    void drainStopsAtMaxAndRecordViewsAreReadOnly() {
        try (RingBufferReader reader = RingBufferReader.of(RingBuffer.of(obj.map("other_events")))) {
            reader.drain((s, r) -> {}, Integer.MAX_VALUE);
            TestObjects.testRun(obj.program("emit_other"), 5);
            assertEquals(2, reader.drain((s, r) -> assertTrue(r.isReadOnly()), 2));
            assertEquals(3, reader.drain((s, r) -> {}, 100));
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedPoll() throws Exception {
        try (RingBuffer ring = RingBuffer.create("t_ring", 4096)) {
            blockedPollEndsOnClose(RingBufferReader.of(ring));
        }
    }

    private static void blockedPollEndsOnClose(RingBufferReader reader) throws Exception {
        CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(Duration.ofSeconds(30), (s, r) -> {}));
        Thread.sleep(200);
        assertFalse(polled.isDone());
        long t0 = System.nanoTime();
        reader.close();
        assertEquals(0, polled.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertEquals(0, reader.poll(Duration.ofMillis(1), (s, r) -> {}), "a closed reader returns 0");
        reader.close();
    }
}
