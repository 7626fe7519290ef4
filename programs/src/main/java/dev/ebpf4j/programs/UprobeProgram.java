package dev.ebpf4j.programs;

import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

import java.nio.file.Path;

/**
 * A uprobe or uretprobe program (a {@code kprobe}-type program in a {@code uprobe}/{@code uretprobe} section), attached
 * to a function of an ELF file: the symbol's file offset is resolved from the file's symbol tables.
 *
 * {@snippet :
 * try (Link l = UprobeProgram.of(obj.program("on_getpid")).attach(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), "getpid", -1)) { ... }
 * }
 */
public final class UprobeProgram extends Program {
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
}
