package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

import java.nio.file.Path;

/** An {@code sk_lookup} program: picks the listening socket for new connections and datagrams in a network namespace. */
public final class SkLookupProgram extends Program {
    private SkLookupProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code sk_lookup} program. */
    public static SkLookupProgram of(ProgramHandle handle) {
        return new SkLookupProgram(require(handle, "sk_lookup", ProgramType.SK_LOOKUP));
    }

    /** Attaches to a network namespace file, such as {@code /run/netns/NAME} or {@code /proc/self/ns/net} (Linux 5.9+). */
    public Link attach(Path netns) {
        return Targets.attachToPath(this, netns, AttachType.SK_LOOKUP, false);
    }
}
