package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A raw tracepoint program ({@code raw_tp/NAME}, Linux 4.17+) or a BTF-typed one ({@code tp_btf/NAME}, a tracing
 * program with attach type {@code TRACE_RAW_TP}, Linux 5.5+, whose target was fixed at load).
 */
public final class RawTracepointProgram extends Program {
    private RawTracepointProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded raw tracepoint or tp_btf program. */
    public static RawTracepointProgram of(ProgramHandle handle) {
        if (handle.type() == ProgramType.TRACING && handle.expectedAttachType() != AttachType.TRACE_RAW_TP) {
            throw new IllegalArgumentException("program '" + handle.name() + "' is a tracing program of attach type "
                    + handle.expectedAttachType() + ", not tp_btf; use FentryProgram for fentry/fexit");
        }
        return new RawTracepointProgram(require(handle, "raw tracepoint", ProgramType.RAW_TRACEPOINT,
                ProgramType.RAW_TRACEPOINT_WRITABLE, ProgramType.TRACING));
    }

    /** Whether this is a BTF-typed ({@code tp_btf}) program. */
    public boolean isBtf() {
        return handle().type() == ProgramType.TRACING;
    }

    /** Attaches a raw tracepoint by name, such as {@code sched_switch}; for tp_btf the name must be null. */
    public BpfLink attach(String tracepoint) {
        if (isBtf() && tracepoint != null) {
            throw new IllegalArgumentException("a tp_btf program's tracepoint was fixed at load; call attach()");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = tracepoint == null ? MemorySegment.NULL : arena.allocateFrom(tracepoint);
            int progFd = fd();
            int fd = Calls.check("raw tracepoint attach " + name() + (tracepoint == null ? "" : " to " + tracepoint),
                    () -> (int) LinkCalls.RAW_TRACEPOINT_OPEN.invokeExact(name, progFd));
            return new BpfLink(fd, -1);
        }
    }

    /** Attaches tp_btf programs, and raw tracepoints to the name in their section ({@code raw_tp/NAME}). */
    public BpfLink attach() {
        if (isBtf()) return attach(null);
        String section = handle().section();
        int slash = section.indexOf('/');
        if (slash < 0) throw new IllegalStateException("section " + section + " names no tracepoint; use attach(name)");
        return attach(section.substring(slash + 1));
    }
}
