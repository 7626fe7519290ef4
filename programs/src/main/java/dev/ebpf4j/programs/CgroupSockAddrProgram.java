package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

import java.nio.file.Path;

/**
 * A cgroup sock_addr program ({@code cgroup/connect4}, {@code connect6}, {@code sendmsg4/6}, {@code recvmsg4/6},
 * {@code getpeername4/6}, {@code getsockname4/6}, {@code bind4/6}): runs on those socket calls of processes in a
 * cgroup v2 subtree. The hook is the attach type the program was loaded with (set by its section name).
 */
public final class CgroupSockAddrProgram extends Program {
    private CgroupSockAddrProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code cgroup_sock_addr} program. */
    public static CgroupSockAddrProgram of(ProgramHandle handle) {
        return new CgroupSockAddrProgram(require(handle, "cgroup sock_addr", ProgramType.CGROUP_SOCK_ADDR));
    }

    /** The hook, such as {@link AttachType#CGROUP_INET4_CONNECT}. */
    public AttachType hook() {
        return expectedAttachType();
    }

    /** Attaches to a cgroup v2 directory, such as {@code /sys/fs/cgroup/unified/my-service}. */
    public Link attach(Path cgroup) {
        return Targets.attachToPath(this, cgroup, hook(), true);
    }
}
