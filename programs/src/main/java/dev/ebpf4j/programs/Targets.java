package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.programs.internal.Libc;

import java.nio.file.Path;

/** Attach to fd targets (cgroups, sockmaps, network namespaces): a bpf_link, or BPF_PROG_ATTACH where links are missing. */
final class Targets {
    private Targets() {}

    /** A link on a file target (cgroup directory, netns file), opened only for the call. */
    static Link attachToPath(Program program, Path target, AttachType type, boolean fallbackToProgAttach) {
        int fd = Libc.open(target.toString(), "open attach target");
        try {
            return attachToFd(program, fd, type, target.toString(), fallbackToProgAttach);
        } catch (BpfException e) {
            // The kernel answers a directory that is not a cgroup v2 directory with a bare EBADF.
            if (e.errno() == Errno.EBADF && type.name().startsWith("CGROUP")) {
                throw BpfException.of(e.operation(), e.errno(), target + " is not a cgroup v2 directory: attach to a"
                        + " directory of a cgroup2 mount (on hybrid hosts, below /sys/fs/cgroup/unified)");
            }
            throw e;
        } finally {
            Libc.close(fd);
        }
    }

    static Link attachToFd(Program program, int targetFd, AttachType type, String target, boolean fallbackToProgAttach) {
        String operation = type.name().toLowerCase() + " attach " + program.name() + " to " + target;
        try {
            return BpfLink.create(operation, program.fd(), targetFd, type, java.lang.foreign.MemorySegment.NULL);
        } catch (BpfException e) {
            // Link types arrived per hook (cgroup 5.7, netns 5.8, sockmap 6.10): older kernels say EINVAL.
            if (!fallbackToProgAttach || e.errno() != Errno.EINVAL) throw e;
            return ProgAttachLink.attach(operation, program, targetFd, type);
        }
    }
}
