package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A kprobe or kretprobe program (needs CONFIG_KPROBES). {@link #attach(String)} uses a perf event link to the
 * kprobe PMU; {@link #attachMulti(List)} uses a kprobe_multi link (Linux 5.18+, program loaded from a
 * {@code kprobe.multi} or {@code kretprobe.multi} section).
 */
public final class KprobeProgram extends Program {
    private static final int BPF_F_KPROBE_MULTI_RETURN = 1;

    private KprobeProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code kprobe} program. */
    public static KprobeProgram of(ProgramHandle handle) {
        require(handle, "kprobe", ProgramType.KPROBE);
        if (handle.section().startsWith("uprobe") || handle.section().startsWith("uretprobe")) {
            throw new IllegalArgumentException("program '" + handle.name() + "' is a uprobe (section " + handle.section()
                    + "); narrow it with UprobeProgram");
        }
        return new KprobeProgram(handle);
    }

    /** Whether the section says kretprobe. */
    public boolean isReturnProbe() {
        return handle().section().startsWith("kretprobe");
    }

    /** Attaches at function entry (or return, for a {@code kretprobe} section). */
    public BpfLink attach(String function) {
        return attach(function, isReturnProbe());
    }

    /** Attaches to {@code function}'s entry, or its return when {@code ret}. */
    public BpfLink attach(String function, boolean ret) {
        return PerfEvents.probe(this, "kprobe", ret, function, 0, -1);
    }

    /** Attaches to several functions with one kprobe_multi link. */
    public BpfLink attachMulti(List<String> functions) {
        if (functions.isEmpty()) throw new IllegalArgumentException("name at least one function");
        if (expectedAttachType() != AttachType.TRACE_KPROBE_MULTI) {
            throw new IllegalStateException("program " + name() + " was not loaded for kprobe_multi (use a "
                    + "SEC(\"kprobe.multi/...\") or SEC(\"kretprobe.multi/...\") section)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment syms = arena.allocate(ValueLayout.ADDRESS, functions.size());
            for (int i = 0; i < functions.size(); i++) syms.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(functions.get(i)));
            MemorySegment opts = arena.allocate(80, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 80);
            opts.set(ValueLayout.JAVA_INT, 32, handle().section().startsWith("kretprobe") ? BPF_F_KPROBE_MULTI_RETURN : 0);
            opts.set(ValueLayout.JAVA_INT, 36, functions.size());
            opts.set(ValueLayout.ADDRESS, 40, syms);
            return BpfLink.create("kprobe_multi attach " + name(), fd(), 0, AttachType.TRACE_KPROBE_MULTI, opts);
        }
    }
}
