package dev.ebpf4j.stress;

import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Maps and ring buffer readers under many threads, and {@code close()} racing with use: every racing call either
 * completes or throws {@link IllegalStateException}; none reaches a map that reused the closed fd's number.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class ConcurrencyIT {
    private static final int THREADS = 6;

    @Test
    void manyThreadsReadAndWriteOneMap() throws Exception {
        int perThread = Stress.cycles(20_000);
        try (BpfHashMap<Integer, Long> map = BpfHashMap.create("e4jst_conc", 4096, Codec.s32(), Codec.s64())) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int base = t * 1000;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            int key = base + (i % 500);
                            map.putLong(key, i);
                            long v = map.getLong(key, -1);
                            // Only this thread writes its keys: it must read back what it wrote.
                            if (v != i) throw new AssertionError("key " + key + ": wrote " + i + ", read " + v);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get(5, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }
            assertEquals(THREADS * 500, map.getAll().size());
            System.out.printf("concurrency: %d threads x %d put+get on one map, all read back%n", THREADS, perThread);
        }
    }

    /**
     * Rounds of: threads hammer a map, another thread closes it mid-flight, and decoy maps of the same shape are
     * created at once so the kernel hands out the freed fd number again. A call that slipped past close would write
     * into a decoy; every decoy must stay empty.
     */
    @Test
    void closeRacingWithUseGivesIllegalStateAndNeverTouchesARecycledFd() throws Exception {
        int rounds = Stress.cycles(300);
        AtomicLong completed = new AtomicLong(), rejected = new AtomicLong();
        Map<String, Long> unexpected = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        List<BpfHashMap<Integer, Long>> decoys = new ArrayList<>();
        try {
            for (int round = 0; round < rounds; round++) {
                BpfHashMap<Integer, Long> map = BpfHashMap.create("e4jst_race", 64, Codec.s32(), Codec.s64());
                CountDownLatch started = new CountDownLatch(THREADS);
                AtomicBoolean stop = new AtomicBoolean();
                List<Future<?>> users = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int key = t;
                    users.add(pool.submit(() -> {
                        started.countDown();
                        while (!stop.get()) {
                            try {
                                map.putLong(key, 42);
                                map.getLong(key, 0);
                                map.remove(key);
                                completed.incrementAndGet();
                            } catch (IllegalStateException closed) {
                                rejected.incrementAndGet();
                                return null;
                            } catch (RuntimeException e) {
                                unexpected.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1L, Long::sum);
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                started.await();
                map.close();
                // Take the freed number (and a few more) while the users may still be inside a call.
                for (int d = 0; d < 3; d++) decoys.add(BpfHashMap.create("e4jst_decoy", 64, Codec.s32(), Codec.s64()));
                stop.set(true);
                for (Future<?> f : users) f.get(1, TimeUnit.MINUTES);
            }
            long touched = decoys.stream().filter(d -> !d.getAll().isEmpty()).count();
            System.out.printf("close race: %d rounds x %d threads, %d calls completed, %d rejected with IllegalStateException,"
                    + " %d decoy maps on recycled fd numbers touched, unexpected %s%n", rounds, THREADS, completed.get(),
                    rejected.get(), touched, unexpected);
            assertEquals(Map.of(), unexpected, "racing calls may only complete or throw IllegalStateException");
            assertEquals(0, touched, "a call after close reached a map that reused the fd number");
            assertTrue(rejected.get() > 0, "the race happened: some calls saw the close");
        } finally {
            pool.shutdownNow();
            decoys.forEach(BpfHashMap::close);
        }
    }

    @Test
    void closingARingBufferReaderWhilePollingReturnsCleanly() throws Exception {
        int rounds = Stress.cycles(50);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < rounds; round++) {
                try (RingBuffer ring = RingBuffer.create("e4jst_ring", 4096)) {
                    RingBufferReader reader = RingBufferReader.of(ring);
                    CountDownLatch polling = new CountDownLatch(1);
                    Future<Integer> poll = pool.submit(() -> {
                        polling.countDown();
                        return reader.poll(Duration.ofSeconds(30), (src, rec) -> {});
                    });
                    polling.await();
                    if (round % 2 == 0) Thread.sleep(2); // sometimes inside epoll_wait, sometimes before it
                    long start = System.nanoTime();
                    reader.close();
                    assertEquals(0, poll.get(10, TimeUnit.SECONDS), "a poll woken by close delivers nothing");
                    assertTrue(System.nanoTime() - start < 5_000_000_000L, "close woke the poll instead of its 30 s timeout");
                    assertEquals(0, reader.poll(Duration.ofMillis(1), (src, rec) -> {}), "poll after close returns 0");
                }
            }
            System.out.printf("ring buffer: %d close-while-polling rounds returned cleanly%n", rounds);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Single-threaded getLong/putLong cost beside the same two syscalls made with raw libbpf downcalls on the same fd,
     * in alternating rounds so that the load of a shared machine hits both alike. The difference bounds what ebpf4j
     * adds per call (encoding, checks and the close guard's two atomic operations); printed, not asserted.
     */
    @Test
    void singleThreadedCostWithTheCloseGuard() throws Throwable {
        var update = dev.ebpf4j.core.internal.libbpf.Native.downcall("bpf_map_update_elem", java.lang.foreign.FunctionDescriptor.of(
                java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS,
                java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.JAVA_LONG));
        var lookup = dev.ebpf4j.core.internal.libbpf.Native.downcall("bpf_map_lookup_elem", java.lang.foreign.FunctionDescriptor.of(
                java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS,
                java.lang.foreign.ValueLayout.ADDRESS));
        try (BpfHashMap<Integer, Long> map = BpfHashMap.create("e4jst_cost", 16, Codec.s32(), Codec.s64());
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            var k = arena.allocate(4);
            var v = arena.allocate(8);
            k.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 1);
            int fd = map.fd();
            int rounds = 21, n = 20_000;
            long[] typed = new long[rounds], raw = new long[rounds];
            for (int r = -3; r < rounds; r++) { // 3 warm-up rounds
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    map.putLong(1, i);
                    map.getLong(1, 0);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    v.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, i);
                    int u = (int) update.invokeExact(fd, k, v, 0L);
                    int l = (int) lookup.invokeExact(fd, k, v);
                }
                long t2 = System.nanoTime();
                if (r >= 0) {
                    typed[r] = (t1 - t0) / n;
                    raw[r] = (t2 - t1) / n;
                }
            }
            java.util.Arrays.sort(typed);
            java.util.Arrays.sort(raw);
            System.out.printf("single thread: putLong+getLong pair %d ns median (%d min), raw libbpf update+lookup %d ns median"
                    + " (%d min), %d rounds of %d alternating%n", typed[rounds / 2], typed[0], raw[rounds / 2], raw[0], rounds, n);
            assertEquals(n - 1, map.getLong(1, -1));
        }
    }
}
