package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

/** An {@code sk_msg} program: runs on sendmsg of sockets in a sockmap/sockhash and may redirect the data. */
public final class SkMsgProgram extends Program {
    private SkMsgProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code sk_msg} program. */
    public static SkMsgProgram of(ProgramHandle handle) {
        return new SkMsgProgram(require(handle, "sk_msg", ProgramType.SK_MSG));
    }

    /** Attaches to a sockmap or sockhash (a link on Linux 6.10+, else {@code BPF_PROG_ATTACH}). */
    public Link attach(MapHandle sockmap) {
        requireSockmap(sockmap);
        return Targets.attachToFd(this, sockmap.fd(), AttachType.SK_MSG_VERDICT, "map " + sockmap.name(), true);
    }

    static void requireSockmap(MapHandle map) {
        if (map.type() != MapType.SOCKMAP && map.type() != MapType.SOCKHASH) {
            throw new IllegalArgumentException("map " + map.name() + " is a " + map.type() + ", not a sockmap or sockhash");
        }
    }
}
