package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;

import java.time.Duration;
import java.util.List;

/** What the kernel reports about loaded BPF objects ({@code struct bpf_prog_info}, {@code bpf_map_info}). */
public final class BpfObjectInfo {
    private BpfObjectInfo() {}

    /**
     * A loaded program.
     *
     * @param sinceBoot     load time as nanoseconds since boot
     * @param runTimeNanos  cumulative run time (0 unless kernel.bpf_stats_enabled)
     * @param runCount      run count (0 unless kernel.bpf_stats_enabled)
     */
    public record Program(int id, ProgramType type, String name, String tag, int xlatedBytes, int jitedBytes,
                          Duration sinceBoot, int uid, List<Integer> mapIds, long runTimeNanos, long runCount,
                          int verifiedInstructions) {}

    /** A map. */
    public record Map(int id, MapType type, String name, int keySize, int valueSize, int maxEntries, int flags) {}
}
