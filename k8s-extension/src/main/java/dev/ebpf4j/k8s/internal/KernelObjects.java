package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the kernel itself holds, read without bpftool: the links walked by id ({@code BPF_LINK_GET_NEXT_ID}) and the
 * definition of a pinned map. The agent uses it to check pins before adopting them; tests use it to count links
 * independently of the agent's own bookkeeping.
 *
 * {@snippet :
 * List<KernelObjects.LinkEntry> mine = KernelObjects.cgroupLinks(Path.of("/sys/fs/cgroup/kubepods"));
 * }
 * Requirements: Linux 5.8+ (link ids), CAP_SYS_ADMIN or CAP_BPF to walk ids.
 */
public final class KernelObjects {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final MethodHandle LINK_NEXT_ID = Native.downcall("bpf_link_get_next_id",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS));
    private static final MethodHandle LINK_FD_BY_ID = Native.downcall("bpf_link_get_fd_by_id", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle PROG_FD_BY_ID = Native.downcall("bpf_prog_get_fd_by_id", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle OBJ_GET = Native.downcall("bpf_obj_get", FunctionDescriptor.of(INT, ValueLayout.ADDRESS));
    private static final MethodHandle INFO = Native.downcall("bpf_obj_get_info_by_fd",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(INT, INT));
    private static final int LINK_TYPE_CGROUP = 3;

    /**
     * One kernel link.
     *
     * @param id         link id
     * @param type       {@code enum bpf_link_type}
     * @param programId  id of the attached program
     * @param cgroupId   the cgroup's id (its directory inode) for cgroup links, else 0
     * @param attachType {@code enum bpf_attach_type} for cgroup links, else -1
     */
    public record LinkEntry(int id, int type, int programId, long cgroupId, int attachType) {
    }

    /**
     * A pinned map's kernel definition.
     *
     * @param type       {@code enum bpf_map_type}
     * @param keySize    key size in bytes
     * @param valueSize  value size in bytes
     * @param maxEntries max entries
     * @param flags      map flags
     * @param name       kernel name (truncated to 15 characters)
     */
    public record MapDefinition(int type, int keySize, int valueSize, int maxEntries, int flags, String name) {
    }

    private KernelObjects() {
    }

    /** Every link in the kernel, of any process. */
    public static List<LinkEntry> links() {
        List<LinkEntry> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = arena.allocate(INT);
            MemorySegment info = arena.allocate(128, 8);
            MemorySegment len = arena.allocate(INT);
            int id = 0;
            while (true) {
                int r = (int) LINK_NEXT_ID.invokeExact(id, next);
                if (r != 0) break;
                id = next.get(INT, 0);
                int fd = (int) LINK_FD_BY_ID.invokeExact(id);
                if (fd < 0) continue; // gone meanwhile
                try {
                    info.fill((byte) 0);
                    len.set(INT, 0, 128);
                    if ((int) INFO.invokeExact(fd, info, len) != 0) continue;
                    int type = info.get(INT, 0);
                    boolean cgroup = type == LINK_TYPE_CGROUP;
                    out.add(new LinkEntry(info.get(INT, 4), type, info.get(INT, 8),
                            cgroup ? info.get(ValueLayout.JAVA_LONG, 16) : 0, cgroup ? info.get(INT, 24) : -1));
                } finally {
                    int ignored = (int) CLOSE.invokeExact(fd);
                }
            }
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return out;
    }

    /** Whether a program with this id is still loaded (held by a link, pin or fd somewhere). */
    public static boolean programExists(int id) {
        try {
            int fd = (int) PROG_FD_BY_ID.invokeExact(id);
            if (fd < 0) return false;
            int ignored = (int) CLOSE.invokeExact(fd);
            return true;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The links attached to a cgroup v2 directory. */
    public static List<LinkEntry> cgroupLinks(Path cgroup) {
        long id = cgroupId(cgroup);
        return links().stream().filter(l -> l.type() == LINK_TYPE_CGROUP && l.cgroupId() == id).toList();
    }

    /** A cgroup's id: the inode number of its directory. */
    public static long cgroupId(Path cgroup) {
        try {
            return ((Number) Files.getAttribute(cgroup, "unix:ino")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat cgroup " + cgroup, e);
        }
    }

    /** Reads the definition of the map pinned at {@code path}. */
    public static MapDefinition pinnedMap(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OBJ_GET.invokeExact(arena.allocateFrom(path.toString()));
            if (fd < 0) throw BpfException.of("open pinned map " + path, -fd);
            try {
                MemorySegment info = arena.allocate(88, 8);
                MemorySegment len = arena.allocateFrom(INT, 88);
                int r = (int) INFO.invokeExact(fd, info, len);
                if (r != 0) throw BpfException.of("map info " + path, -r);
                return new MapDefinition(info.get(INT, 0), info.get(INT, 8), info.get(INT, 12), info.get(INT, 16),
                        info.get(INT, 20), info.getString(24));
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
