package dev.ebpf4j.core.inspect;

import dev.ebpf4j.core.ProgramType;

import java.time.Duration;
import java.util.List;

/**
 * What the kernel reports about a loaded program ({@code struct bpf_prog_info}).
 *
 * @param id                   program id
 * @param type                 program type ({@link ProgramType#UNSPEC} for a type this SDK does not know)
 * @param name                 kernel name (at most 15 characters)
 * @param tag                  the program tag in hex, as bpftool prints it
 * @param xlatedBytes          size of the translated instructions
 * @param jitedBytes           size of the JITed image
 * @param sinceBoot            load time as time since boot
 * @param uid                  uid of the loader
 * @param mapIds               ids of the maps it uses (at most 64)
 * @param runTimeNanos         cumulative run time (0 unless {@code kernel.bpf_stats_enabled})
 * @param runCount             run count (0 unless {@code kernel.bpf_stats_enabled})
 * @param verifiedInstructions instructions the verifier processed
 */
public record ProgramInfo(int id, ProgramType type, String name, String tag, int xlatedBytes, int jitedBytes,
                          Duration sinceBoot, int uid, List<Integer> mapIds, long runTimeNanos, long runCount,
                          int verifiedInstructions) {
    public ProgramInfo {
        mapIds = List.copyOf(mapIds);
    }
}
