package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * A uprobe or uretprobe program (a {@code kprobe}-type program in a {@code uprobe}/{@code uretprobe} section), attached
 * to a function of an ELF file: the symbol's file offset is resolved from the file's symbol tables.
 *
 * {@snippet :
 * try (Link l = UprobeProgram.of(obj.program("on_getpid")).attach(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), "getpid", -1)) { ... }
 * }
 *
 * <p>{@link #attachMulti} attaches one program to several functions of a binary with one uprobe_multi link (Linux 6.6+,
 * program from a {@code SEC("uprobe.multi")} or {@code SEC("uretprobe.multi")} section); a cookie per function,
 * read with {@code bpf_get_attach_cookie}, tells the program which one fired.
 *
 * {@snippet class="dev.ebpf4j.programs.PackageSnippets" region="uprobe-multi"}
 */
public final class UprobeProgram extends Program {
    private static final int BPF_F_UPROBE_MULTI_RETURN = 1;
    private static final int LINK_CREATE_OPTS_SIZE = 80;

    private UprobeProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded uprobe program. */
    public static UprobeProgram of(ProgramHandle handle) {
        require(handle, "uprobe", ProgramType.KPROBE);
        if (handle.section().startsWith("kprobe") || handle.section().startsWith("kretprobe")) {
            throw new IllegalArgumentException("program '" + handle.name() + "' is a kprobe (section " + handle.section()
                    + "); narrow it with KprobeProgram");
        }
        return new UprobeProgram(handle);
    }

    /** Whether the section says uretprobe. */
    public boolean isReturnProbe() {
        return handle().section().startsWith("uretprobe");
    }

    /** Attaches to {@code symbol} in {@code binary} for process {@code pid} (-1 for every process). */
    public BpfLink attach(Path binary, String symbol, int pid) {
        return attach(binary, ElfSymbols.fileOffset(binary, symbol), pid, isReturnProbe());
    }

    /** Attaches at a file offset of {@code binary}. */
    public BpfLink attach(Path binary, long offset, int pid, boolean ret) {
        return PerfEvents.probe(this, "uprobe", ret, binary.toAbsolutePath().toString(), offset, pid);
    }

    /**
     * Attaches to each of {@code symbols} in {@code binary} with one uprobe_multi link; {@code cookies.get(i)} is what
     * {@code bpf_get_attach_cookie} returns when {@code symbols.get(i)} is hit. {@code pid} -1 means every process.
     */
    public BpfLink attachMulti(Path binary, List<String> symbols, List<Long> cookies, int pid) {
        if (symbols.isEmpty()) throw new IllegalArgumentException("name at least one function of " + binary);
        long[] offsets = symbols.stream().mapToLong(s -> ElfSymbols.fileOffset(binary, s)).toArray();
        return attachMulti(binary, offsets, cookies.stream().mapToLong(Long::longValue).toArray(), pid);
    }

    /** Attaches at file offsets of {@code binary}, with one cookie per offset ({@code cookies} may be empty: all 0). */
    public BpfLink attachMulti(Path binary, long[] offsets, long[] cookies, int pid) {
        if (offsets.length == 0) throw new IllegalArgumentException("give at least one offset in " + binary);
        if (cookies.length != 0 && cookies.length != offsets.length) {
            throw new IllegalArgumentException(offsets.length + " offsets but " + cookies.length + " cookies: give one cookie "
                    + "per offset, or none");
        }
        if (expectedAttachType() != AttachType.TRACE_UPROBE_MULTI) {
            throw new IllegalStateException("program " + name() + " was not loaded for uprobe_multi (use a "
                    + "SEC(\"uprobe.multi\") or SEC(\"uretprobe.multi\") section)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(LINK_CREATE_OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, LINK_CREATE_OPTS_SIZE);
            opts.set(ValueLayout.JAVA_INT, 32, isReturnProbe() ? BPF_F_UPROBE_MULTI_RETURN : 0);
            opts.set(ValueLayout.JAVA_INT, 36, offsets.length);
            opts.set(ValueLayout.ADDRESS, 40, arena.allocateFrom(binary.toAbsolutePath().toString()));
            opts.set(ValueLayout.ADDRESS, 48, arena.allocateFrom(ValueLayout.JAVA_LONG, offsets));
            if (cookies.length != 0) opts.set(ValueLayout.ADDRESS, 64, arena.allocateFrom(ValueLayout.JAVA_LONG, cookies));
            opts.set(ValueLayout.JAVA_INT, 72, Math.max(pid, 0));
            return BpfLink.create("uprobe_multi attach " + name() + " to " + offsets.length + " functions of " + binary,
                    fd(), 0, AttachType.TRACE_UPROBE_MULTI, opts);
        }
    }
}
