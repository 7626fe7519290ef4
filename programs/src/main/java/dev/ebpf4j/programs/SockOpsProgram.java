package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

import java.nio.file.Path;

/** A {@code sockops} program: sees TCP events (connection established, RTT, ...) of sockets in a cgroup v2 subtree. */
public final class SockOpsProgram extends Program {
    private SockOpsProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code sock_ops} program. */
    public static SockOpsProgram of(ProgramHandle handle) {
        return new SockOpsProgram(require(handle, "sockops", ProgramType.SOCK_OPS));
    }

    /** Attaches to a cgroup v2 directory. */
    public Link attach(Path cgroup) {
        return Targets.attachToPath(this, cgroup, AttachType.CGROUP_SOCK_OPS, true);
    }
}
