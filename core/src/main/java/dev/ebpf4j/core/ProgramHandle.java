package dev.ebpf4j.core;

import dev.ebpf4j.core.internal.libbpf.ObjectCalls;
import dev.ebpf4j.core.internal.libbpf.Strings;

import java.lang.foreign.MemorySegment;

/**
 * A program of a loaded {@link BpfObject}. The object owns the fd; the programs module narrows this handle to a
 * typed program that can attach, for example {@code XdpProgram.of(handle)}.
 */
public final class ProgramHandle {
    private final BpfObject owner;
    private final String name, section;
    private final ProgramType type;
    private final AttachType expectedAttachType;
    private final int fd;
    private final long instructions;

    private ProgramHandle(BpfObject owner, String name, String section, ProgramType type, AttachType expectedAttachType,
                          int fd, long instructions) {
        this.owner = owner;
        this.name = name;
        this.section = section;
        this.type = type;
        this.expectedAttachType = expectedAttachType;
        this.fd = fd;
        this.instructions = instructions;
    }

    static ProgramHandle of(BpfObject owner, String name, MemorySegment p) {
        return BpfObjectSpec.call(() -> new ProgramHandle(owner, name,
                Strings.read((MemorySegment) ObjectCalls.PROG_SECTION.invokeExact(p)),
                ProgramType.of((int) ObjectCalls.PROG_TYPE.invokeExact(p)),
                AttachType.of((int) ObjectCalls.PROG_ATTACH_TYPE.invokeExact(p)),
                (int) ObjectCalls.PROG_FD.invokeExact(p), (long) ObjectCalls.PROG_INSN_CNT.invokeExact(p)));
    }

    public String name() { return name; }

    /** The ELF section, such as {@code "xdp"} or {@code "tracepoint/sock/inet_sock_set_state"}. */
    public String section() { return section; }

    public ProgramType type() { return type; }

    public AttachType expectedAttachType() { return expectedAttachType; }

    /** Number of instructions after relocation. */
    public long instructionCount() { return instructions; }

    /** Whether the program was loaded (it is not when autoload was turned off). */
    public boolean isLoaded() { return fd >= 0; }

    /** The program's fd, owned by the object. */
    public int fd() {
        owner.checkOpen();
        if (fd < 0) throw new IllegalStateException("program '" + name + "' was not loaded (autoload off)");
        return fd;
    }

    /** The object that owns this program. */
    public BpfObject owner() { return owner; }

    @Override
    public String toString() {
        return "program " + name + " (" + type + ", section " + section + ")";
    }
}
