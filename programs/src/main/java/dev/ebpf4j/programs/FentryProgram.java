package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;

import java.lang.foreign.MemorySegment;

/**
 * An {@code fentry}/{@code fexit} program (BPF trampoline, Linux 5.5+ with BTF and ftrace): its target function was
 * fixed at load from the section name, so attach takes no argument.
 */
public final class FentryProgram extends Program {
    private FentryProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded fentry, fexit or fmod_ret program. */
    public static FentryProgram of(ProgramHandle handle) {
        require(handle, "fentry/fexit", ProgramType.TRACING);
        AttachType t = handle.expectedAttachType();
        if (t != AttachType.TRACE_FENTRY && t != AttachType.TRACE_FEXIT && t != AttachType.MODIFY_RETURN) {
            throw new IllegalArgumentException("program '" + handle.name() + "' is a tracing program of attach type " + t
                    + ", not fentry/fexit" + (t == AttachType.TRACE_RAW_TP ? "; use RawTracepointProgram" : ""));
        }
        return new FentryProgram(handle);
    }

    /** Whether this runs at function exit. */
    public boolean isExit() {
        return expectedAttachType() == AttachType.TRACE_FEXIT;
    }

    /** Attaches to the function chosen at load. */
    public BpfLink attach() {
        int progFd = fd();
        int fd = Calls.check("fentry/fexit attach " + name(),
                () -> (int) LinkCalls.RAW_TRACEPOINT_OPEN.invokeExact(MemorySegment.NULL, progFd));
        return new BpfLink(fd, -1);
    }
}
