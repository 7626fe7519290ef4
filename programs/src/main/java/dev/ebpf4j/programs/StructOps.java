package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.internal.libbpf.MapPointers;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;

import java.lang.foreign.MemorySegment;

/**
 * Registers a struct_ops map, a kernel interface implemented by BPF programs: a {@code SEC(".struct_ops.link")}
 * variable such as a {@code struct tcp_congestion_ops} whose function members are {@code SEC("struct_ops/...")}
 * programs. Registration is a {@code BPF_STRUCT_OPS} link: the implementation is live (a TCP congestion control
 * selectable by its name) until the link closes. Needs Linux 6.4+ for struct_ops links and BPF trampolines.
 *
 * {@snippet class="dev.ebpf4j.programs.PackageSnippets" region="struct-ops"}
 */
public final class StructOps {
    private static final int BPF_F_LINK = 1 << 13;

    private StructOps() {}

    /**
     * Fills the map with the programs libbpf loaded for it and registers it with a link.
     *
     * @throws IllegalArgumentException when the map is not a struct_ops map, or is one from a {@code .struct_ops}
     *         section (registered without a link, for as long as the map lives: use {@code .struct_ops.link})
     */
    public static BpfLink register(MapHandle map) {
        if (map.type() != MapType.STRUCT_OPS) {
            throw new IllegalArgumentException("map '" + map.name() + "' is a " + map.type() + " map, not a struct_ops map");
        }
        if ((map.flags() & BPF_F_LINK) == 0) {
            throw new IllegalArgumentException("struct_ops map '" + map.name() + "' comes from a SEC(\".struct_ops\") section, "
                    + "which registers without a link; declare it in SEC(\".struct_ops.link\") to register it with one");
        }
        MemorySegment pointer = MapPointers.of(map);
        MemorySegment link;
        try {
            link = (MemorySegment) LinkCalls.ATTACH_STRUCT_OPS.invokeExact(Native.captureSegment(), pointer);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (link.equals(MemorySegment.NULL)) {
            throw BpfException.of("struct_ops register " + map.name(), Native.capturedErrno(), "the kernel refused the "
                    + "struct_ops value: an op it does not accept, a name already registered, or no BPF trampolines");
        }
        // Keep the kernel link fd in our BpfLink; free libbpf's wrapper without letting it detach.
        int fd = Calls.raw(() -> (int) LinkCalls.LIBBPF_LINK_FD.invokeExact(link));
        try {
            LinkCalls.LIBBPF_LINK_DISCONNECT.invokeExact(link);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        Calls.raw(() -> (int) LinkCalls.LIBBPF_LINK_DESTROY.invokeExact(link));
        return new BpfLink(fd, -1);
    }
}
