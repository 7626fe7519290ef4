package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;

import java.time.Duration;
import java.util.List;

/** What the kernel reports about loaded BPF objects ({@code struct bpf_prog_info}, {@code bpf_map_info}, {@code bpf_link_info}). */
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

    /**
     * A link: for XDP, tcx and netkit links {@code ifindex} is set; {@code attachType} is the kernel's attach type
     * number for tcx/netkit (46 ingress, 47 egress for tcx).
     */
    public record Link(int id, int type, int programId, int ifindex, int attachType) {
        /** The kernel's link type name ({@code xdp}, {@code tcx}, ...). */
        public String typeName() {
            return switch (type) {
                case 1 -> "raw_tracepoint"; case 2 -> "tracing"; case 3 -> "cgroup"; case 4 -> "iter";
                case 5 -> "netns"; case 6 -> "xdp"; case 7 -> "perf_event"; case 8 -> "kprobe_multi";
                case 9 -> "struct_ops"; case 10 -> "netfilter"; case 11 -> "tcx"; case 12 -> "uprobe_multi";
                case 13 -> "netkit"; case 14 -> "sockmap"; default -> "type" + type;
            };
        }
    }
}
