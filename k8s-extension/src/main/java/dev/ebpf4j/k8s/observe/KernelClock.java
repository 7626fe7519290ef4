package dev.ebpf4j.k8s.observe;

import java.time.Instant;

/**
 * Converts {@code bpf_ktime_get_ns()} (CLOCK_MONOTONIC) to wall-clock time. HotSpot's {@link System#nanoTime()} reads
 * the same clock on Linux, so one offset taken at construction maps between them.
 */
public final class KernelClock {
    private final long wallMinusMonoNanos;

    private KernelClock(long wallMinusMonoNanos) {
        this.wallMinusMonoNanos = wallMinusMonoNanos;
    }

    /** A clock calibrated now. */
    public static KernelClock system() {
        Instant now = Instant.now();
        long mono = System.nanoTime();
        return new KernelClock(now.getEpochSecond() * 1_000_000_000L + now.getNano() - mono);
    }

    /** A clock with a fixed offset (tests): wall nanos = monotonic nanos + offset. */
    public static KernelClock withOffset(long wallMinusMonoNanos) {
        return new KernelClock(wallMinusMonoNanos);
    }

    /** Wall-clock instant of monotonic time {@code monotonicNanos}. */
    public Instant toInstant(long monotonicNanos) {
        long wall = monotonicNanos + wallMinusMonoNanos;
        return Instant.ofEpochSecond(Math.floorDiv(wall, 1_000_000_000L), Math.floorMod(wall, 1_000_000_000L));
    }
}
