package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

/** An {@code sk_skb} program: a stream parser or verdict for the receive path of sockets in a sockmap/sockhash. */
public final class SkSkbProgram extends Program {
    /** The sk_skb hooks. */
    public enum Kind {
        STREAM_PARSER(AttachType.SK_SKB_STREAM_PARSER), STREAM_VERDICT(AttachType.SK_SKB_STREAM_VERDICT),
        VERDICT(AttachType.SK_SKB_VERDICT);

        final AttachType type;

        Kind(AttachType type) {
            this.type = type;
        }
    }

    private SkSkbProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code sk_skb} program. */
    public static SkSkbProgram of(ProgramHandle handle) {
        return new SkSkbProgram(require(handle, "sk_skb", ProgramType.SK_SKB));
    }

    /** Attaches to a sockmap or sockhash as the given hook. */
    public Link attach(MapHandle sockmap, Kind kind) {
        SkMsgProgram.requireSockmap(sockmap);
        return Targets.attachToFd(this, sockmap.fd(), kind.type, "map " + sockmap.name(), true);
    }
}
