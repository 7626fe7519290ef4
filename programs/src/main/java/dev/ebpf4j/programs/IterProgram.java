package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A BPF iterator program ({@code SEC("iter/task")}, {@code iter/bpf_map_elem}, {@code iter/tcp}, ...): the kernel
 * runs it once per object it walks and the program writes text or records into a sequence file, which
 * {@link BpfIterator} reads. {@link #attach()} makes the iterator link; each {@link BpfIterator#open(BpfLink)} walks
 * again from the start.
 *
 * {@snippet class="dev.ebpf4j.programs.PackageSnippets" region="iterator"}
 *
 * <p>Iterators that walk a network namespace (tcp, udp, unix, netlink) walk the namespace of the thread that calls
 * {@link BpfIterator#open(BpfLink)}. Needs Linux 5.8+ (map element iterators 5.9+, tcp 5.9+).
 */
public final class IterProgram extends Program {
    /** {@code sizeof(union bpf_iter_link_info)} since Linux 6.1; older kernels accept it when the tail is zero. */
    private static final int LINK_INFO_SIZE = 16;
    private static final int LINK_CREATE_OPTS_SIZE = 80;

    private IterProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code iter/...} program. */
    public static IterProgram of(ProgramHandle handle) {
        require(handle, "iterator", ProgramType.TRACING);
        if (handle.expectedAttachType() != AttachType.TRACE_ITER) {
            throw new IllegalArgumentException("program '" + handle.name() + "' is a tracing program of attach type "
                    + handle.expectedAttachType() + ", not an iterator (use a SEC(\"iter/...\") section)");
        }
        return new IterProgram(handle);
    }

    /** The iterator target, from the section: {@code task} for {@code SEC("iter/task")}. */
    public String target() {
        String section = handle().section();
        int slash = section.indexOf('/');
        return slash < 0 ? section : section.substring(slash + 1);
    }

    /** Makes the iterator link of a target that needs no parameter (task, tcp, bpf_map, ...). */
    public BpfLink attach() {
        if (target().equals("bpf_map_elem") || target().equals("bpf_sk_storage_map")) {
            throw new IllegalStateException("iterator " + name() + " walks one map's elements: attach(map) names the map");
        }
        return BpfLink.create("iterator attach " + name(), fd(), 0, AttachType.TRACE_ITER, MemorySegment.NULL);
    }

    /**
     * Makes an iterator link over the elements of {@code map} ({@code iter/bpf_map_elem}); the kernel checks at attach
     * that the map's key and value are at least as large as the program reads.
     */
    public BpfLink attach(MapHandle map) {
        int mapFd = map.fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(LINK_INFO_SIZE, 8);
            info.set(ValueLayout.JAVA_INT, 0, mapFd);
            MemorySegment opts = arena.allocate(LINK_CREATE_OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, LINK_CREATE_OPTS_SIZE);
            opts.set(ValueLayout.ADDRESS, 16, info);
            opts.set(ValueLayout.JAVA_INT, 24, LINK_INFO_SIZE);
            return BpfLink.create("iterator attach " + name() + " to map " + map.name(), fd(), 0, AttachType.TRACE_ITER, opts);
        }
    }
}
