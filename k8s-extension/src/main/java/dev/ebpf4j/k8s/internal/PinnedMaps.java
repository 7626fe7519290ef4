package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * Reads maps another process pinned, read-only ({@code BPF_OBJ_GET} with {@code BPF_F_RDONLY}): the way {@code cilium
 * bpf lb list} shows what its agent programmed. Entries change under the reader; each is read whole, but the set is
 * not a snapshot.
 */
public final class PinnedMaps {
    private static final int BPF_F_RDONLY = 1 << 3;
    private static final MethodHandle OBJ_GET_OPTS = Native.downcall("bpf_obj_get_opts", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));

    /** A pinned map's definition and up to the asked number of its entries. */
    public record Dump(BpfObjectInfo.Map info, List<Introspection.Entry> entries) {}

    private PinnedMaps() {}

    /**
     * The map pinned at {@code pin}, read-only, with up to {@code limit} entries; empty when nothing is pinned there.
     *
     * @throws BpfException when the pin exists but cannot be opened (e.g. EPERM without CAP_BPF, or not a map)
     */
    public static Optional<Dump> read(Path pin, int limit) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(16, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 16);
            opts.set(ValueLayout.JAVA_INT, 8, BPF_F_RDONLY);
            int fd = (int) OBJ_GET_OPTS.invokeExact(arena.allocateFrom(pin.toString()), opts);
            if (fd == -Errno.ENOENT) return Optional.empty();
            if (fd < 0) throw BpfException.of("open pinned map " + pin + " read-only", fd);
            try {
                BpfObjectInfo.Map m = Introspection.mapInfo(fd, arena.allocate(Introspection.MAP_INFO_SIZE, 8));
                List<Introspection.Entry> entries = new ArrayList<>();
                Introspection.walk(fd, m, arena, limit, entries);
                return Optional.of(new Dump(m, List.copyOf(entries)));
            } finally {
                Introspection.close(fd);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
