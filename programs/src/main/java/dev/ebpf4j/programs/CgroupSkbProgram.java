package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

import java.nio.file.Path;

/** A {@code cgroup_skb} program: filters packets to ({@code ingress}) or from ({@code egress}) sockets of a cgroup. */
public final class CgroupSkbProgram extends Program {
    private CgroupSkbProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code cgroup_skb} program. */
    public static CgroupSkbProgram of(ProgramHandle handle) {
        return new CgroupSkbProgram(require(handle, "cgroup skb", ProgramType.CGROUP_SKB));
    }

    /** Attaches in the direction of its section ({@code cgroup_skb/ingress} or {@code cgroup_skb/egress}). */
    public Link attach(Path cgroup) {
        AttachType t = expectedAttachType();
        if (t != AttachType.CGROUP_INET_INGRESS && t != AttachType.CGROUP_INET_EGRESS) {
            throw new IllegalStateException("program " + name() + " has no direction; use attach(cgroup, ingress)");
        }
        return Targets.attachToPath(this, cgroup, t, true);
    }

    /** Attaches in the given direction. */
    public Link attach(Path cgroup, boolean ingress) {
        return Targets.attachToPath(this, cgroup,
                ingress ? AttachType.CGROUP_INET_INGRESS : AttachType.CGROUP_INET_EGRESS, true);
    }
}
