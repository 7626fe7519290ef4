package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Set;

/**
 * A loaded program narrowed to its type, the thing that attaches. Made from a core {@link ProgramHandle} with the
 * subclass's {@code of(handle)}, which checks the program type; the {@link dev.ebpf4j.core.BpfObject} keeps owning the fd.
 */
public abstract sealed class Program permits XdpProgram, TcProgram, SocketFilterProgram, CgroupSockAddrProgram,
        SockOpsProgram, SkMsgProgram, SkSkbProgram, CgroupSkbProgram, SkLookupProgram, TracepointProgram,
        RawTracepointProgram, KprobeProgram, UprobeProgram, FentryProgram, IterProgram, NetfilterProgram {
    private final ProgramHandle handle;

    Program(ProgramHandle handle) {
        this.handle = handle;
    }

    /** The underlying handle. */
    public ProgramHandle handle() {
        return handle;
    }

    /** The program's name in its object. */
    public String name() {
        return handle.name();
    }

    /** The program fd (owned by the object). */
    public int fd() {
        return handle.fd();
    }

    /** The kernel's id of this program, as {@code bpftool prog show} prints it. */
    public int id() {
        return programId(fd());
    }

    static int programId(int progFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(256, 8);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 256);
            Calls.check("program info", () -> (int) LinkCalls.OBJ_GET_INFO.invokeExact(progFd, info, len));
            return info.get(ValueLayout.JAVA_INT, 4);
        }
    }

    static ProgramHandle require(ProgramHandle handle, String narrowTo, ProgramType... types) {
        if (!Set.of(types).contains(handle.type())) {
            throw new IllegalArgumentException("program '" + handle.name() + "' is a " + handle.type() + " program (section "
                    + handle.section() + "), not " + narrowTo + " (" + Arrays.toString(types)
                    + "); narrow it with the class for its type");
        }
        handle.fd(); // fails now, not at attach, when the program was not loaded
        return handle;
    }

    /** The attach type the program was loaded with. */
    AttachType expectedAttachType() {
        return handle.expectedAttachType();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + handle.name() + ", section " + handle.section() + "]";
    }
}
