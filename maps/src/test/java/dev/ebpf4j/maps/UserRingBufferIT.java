package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.MapFullException;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Java produces into a BPF_MAP_TYPE_USER_RINGBUF; an XDP program run by BPF_PROG_TEST_RUN drains and checks every record. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class UserRingBufferIT {
    @TempDir
    static Path temp;
    static BpfObject obj;
    UserRingBuffer ring;
    Variable<Integer> nextSeq;
    Variable<Long> count, sum, orderErrors, shapeErrors, lastDrain;
    int seq;

    @BeforeAll
    static void load() throws Exception {
        Path out = Files.createTempDirectory(temp, "obj").resolve("user_ringbuf_test.bpf.o");
        BpfBuilder.create().compile(Path.of("src/test/bpf/user_ringbuf_test.bpf.c").toAbsolutePath(), out);
        obj = BpfObject.open(out).load();
    }

    @AfterAll
    static void close() {
        if (obj != null) obj.close();
    }

    @BeforeEach
    void open() {
        ring = UserRingBuffer.of(obj.map("input"));
        nextSeq = Variable.of(obj, "next_seq", int.class);
        count = Variable.of(obj, "count", long.class);
        sum = Variable.of(obj, "sum", long.class);
        orderErrors = Variable.of(obj, "order_errors", long.class);
        shapeErrors = Variable.of(obj, "shape_errors", long.class);
        lastDrain = Variable.of(obj, "last_drain", long.class);
        drain(); // whatever an earlier test left
        seq = 1000;
        nextSeq.set(seq);
        for (Variable<Long> v : java.util.List.of(count, sum, orderErrors, shapeErrors)) v.set(0L);
    }

    @AfterEach
    void closeViews() {
        for (AutoCloseable c : new AutoCloseable[] {ring, nextSeq, count, sum, orderErrors, shapeErrors, lastDrain}) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A record of {@code len} bytes: {seq, value, len}, filler, and seq ^ 0xA5A5A5A5 in its last 4 bytes. */
    byte[] record(int len, int value) {
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(seq).putInt(value).putInt(len);
        while (b.position() < len - 4) b.put((byte) 0x5C);
        b.putInt(len - 4, seq ^ 0xA5A5A5A5);
        seq++;
        return b.array();
    }

    long drain() {
        TestObjects.testRun(obj.program("drain"), 1);
        return lastDrain.get();
    }

    @Test
    void recordsOfVaryingSizeAreAllSeenInOrder() {
        long expectedSum = 0;
        int n = 0;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 20; i++, n++) {
                int len = 16 + (n * 37) % 181; // 16..196 bytes, many not a multiple of 8
                assertTrue(ring.offer(record(len, n * 3 + 1)), "record " + n + " fits");
                expectedSum += n * 3 + 1;
            }
            UserRingBuffer.Reservation r = ring.reserve(40);
            byte[] bytes = record(40, 7);
            MemorySegment.copy(bytes, 0, r.segment(), ValueLayout.JAVA_BYTE, 0, bytes.length);
            r.submit();
            expectedSum += 7;
            n++;
            assertEquals(21, drain(), "bpf_user_ringbuf_drain returned the records drained");
        }
        assertEquals(n, count.get());
        assertEquals(expectedSum, sum.get());
        assertEquals(0, orderErrors.get(), "every record came in the order Java wrote it");
        assertEquals(0, shapeErrors.get(), "every record had its trailer at its last 4 bytes and no more bytes");
        assertEquals(4096, ring.free(), "all drained");
    }

    @Test
    void fullRingIsMapFullAndOfferFalseUntilTheProgramDrains() {
        // region user-ringbuf-full
        int fitted = 0;
        while (ring.offer(record(1000, 1))) fitted++;
        seq--; // the refused record took no sequence number in the ring
        assertEquals(4, fitted, "4 records of 1008 bytes fill 4096 bytes");
        assertEquals(4096 - 4 * 1008, ring.free());
        MapFullException full = assertThrows(MapFullException.class, () -> ring.reserve(1000));
        assertEquals(Errno.ENOSPC, full.errno());
        assertTrue(full.getMessage().contains("1000-byte record needs 1008 bytes, 64 free"), full.getMessage());
        IllegalArgumentException never = assertThrows(IllegalArgumentException.class, () -> ring.reserve(4096));
        assertTrue(never.getMessage().contains("cannot fit"), never.getMessage());
        assertEquals(4, drain());
        assertTrue(ring.offer(record(1000, 1)), "room again after the drain");
        assertEquals(1, drain());
        assertEquals(5, count.get());
        assertEquals(0, orderErrors.get() + shapeErrors.get());
        // endregion
    }

    @Test
    void discardedRecordsAreSkippedAndAnOpenReservationHoldsBackLaterOnes() {
        UserRingBuffer.Reservation dropped = ring.reserve(24);
        dropped.discard();
        UserRingBuffer.Reservation open = ring.reserve(24);
        byte[] first = record(24, 10);
        assertTrue(ring.offer(record(24, 20)));
        assertEquals(0, drain(), "the busy first record stops the drain");
        MemorySegment.copy(first, 0, open.segment(), ValueLayout.JAVA_BYTE, 0, first.length);
        open.submit();
        assertThrows(IllegalStateException.class, open::submit);
        assertEquals(2, drain(), "the discarded record is skipped, the other two come in order");
        assertEquals(30, sum.get());
        assertEquals(0, orderErrors.get() + shapeErrors.get());
    }

    @Test
    void standaloneRingIsCreatedAndCountsRecordFootprints() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> UserRingBuffer.create("e4j_urb", 1000));
        assertTrue(size.getMessage().contains("power of two of at least 4096"), size.getMessage());
        try (UserRingBuffer standalone = UserRingBuffer.create("e4j_urb", 8192)) {
            assertTrue(standalone.ownsFd());
            assertEquals(8192, standalone.free());
            assertTrue(standalone.offer(new byte[10]));
            assertEquals(8192 - UserRingBuffer.footprint(10), standalone.free(), "10 bytes + 8-byte header, rounded to 24");
            assertEquals(24, UserRingBuffer.footprint(10));
        }
    }
}
