package dev.ebpf4j.programs;

import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

/**
 * A tracepoint program, attached to a kernel tracepoint by category and name through a perf event link
 * (Linux 5.15+; needs tracefs mounted to look up the tracepoint id).
 *
 * {@snippet :
 * try (Link link = TracepointProgram.of(obj.program("on_exec")).attach("sched", "sched_process_exec")) { ... }
 * }
 */
public final class TracepointProgram extends Program {
    private TracepointProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code tracepoint} program. */
    public static TracepointProgram of(ProgramHandle handle) {
        return new TracepointProgram(require(handle, "tracepoint", ProgramType.TRACEPOINT));
    }

    /** Attaches to {@code category:name}, such as {@code sched}/{@code sched_process_exec}. */
    public BpfLink attach(String category, String name) {
        return PerfEvents.tracepoint(this, category, name);
    }

    /** Attaches to the tracepoint its section names ({@code tracepoint/CATEGORY/NAME} or {@code tp/CATEGORY/NAME}). */
    public BpfLink attach() {
        String[] parts = handle().section().split("/");
        if (parts.length != 3) {
            throw new IllegalStateException("section " + handle().section() + " names no tracepoint; use attach(category, name)");
        }
        return attach(parts[1], parts[2]);
    }
}
