package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.maps.internal.Libc;
import dev.ebpf4j.maps.internal.MapCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Pinning in bpffs and opening pinned maps with a compatibility check. */
final class Pins {
    private Pins() {}

    static void pin(int fd, String name, Path path) {
        int r;
        try (Arena arena = Arena.ofConfined()) {
            r = (int) MapCalls.OBJ_PIN.invokeExact(fd, arena.allocateFrom(path.toString()));
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (r != 0) {
            throw BpfException.of("map pin " + name + " at " + path, -r, switch (-r) {
                case Errno.EEXIST -> "something is already pinned there; unpin it or choose another path";
                case Errno.ENOENT -> "the directory does not exist";
                case Errno.EPERM -> "the path must be on a bpffs mount (mount -t bpf bpf /sys/fs/bpf)";
                default -> null;
            });
        }
    }

    /** {@code BPF_F_RDONLY}: the fd may look up but not update ({@code bpf_obj_get_opts} file flags). */
    static final int READ_ONLY = 1 << 3;

    /** Opens a pinned map, reading its definition from the kernel. */
    static MapFd open(Path path) {
        return open(path, 0);
    }

    /** Opens a pinned map with {@code BPF_OBJ_GET} file flags (0 or {@link #READ_ONLY}). */
    static MapFd open(Path path, int fileFlags) {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(16, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 16);
            opts.set(ValueLayout.JAVA_INT, 8, fileFlags);
            fd = (int) MapCalls.OBJ_GET_OPTS.invokeExact(arena.allocateFrom(path.toString()), opts);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (fd < 0) throw BpfException.of("map open pinned " + path, -fd, -fd == Errno.ENOENT ? "nothing is pinned there" : null);
        return describe(fd, "pinned at " + path);
    }

    /** Opens the map with kernel id {@code id} ({@code BPF_MAP_GET_FD_BY_ID}, CAP_SYS_ADMIN). */
    static MapFd openById(int id) {
        int fd;
        try {
            fd = (int) MapCalls.FD_BY_ID.invokeExact(id);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (fd < 0) throw BpfException.of("map open by id " + id, -fd, -fd == Errno.ENOENT ? "no map has that id (any more)" : null);
        return describe(fd, "id " + id);
    }

    /** Reads the definition of the map open at {@code fd} and wraps it as owned; closes the fd on failure. */
    private static MapFd describe(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(88, 8);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 88);
            int r = (int) MapCalls.INFO_BY_FD.invokeExact(fd, info, len);
            if (r != 0) throw BpfException.of("map info " + what, -r, -r == Errno.EINVAL ? "the object is not a map" : null);
            String name = info.getString(24);
            return MapFd.owned(name, MapType.of(info.get(ValueLayout.JAVA_INT, 0)), info.get(ValueLayout.JAVA_INT, 8),
                    info.get(ValueLayout.JAVA_INT, 12), info.get(ValueLayout.JAVA_INT, 16), info.get(ValueLayout.JAVA_INT, 20), fd);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        } catch (Throwable t) {
            Libc.close(fd);
            throw Native.unexpected(t);
        }
    }

    /** Opens the pinned map of {@code spec} and checks every part of its definition. */
    static MapFd openCompatible(MapSpec spec) {
        Path path = spec.pinPath().orElseThrow();
        MapFd m = open(path);
        List<String> diffs = new ArrayList<>();
        if (m.type() != spec.type()) diffs.add("type " + m.type() + " (want " + spec.type() + ")");
        if (m.keySize() != spec.keySize()) diffs.add("key size " + m.keySize() + " (want " + spec.keySize() + ")");
        if (m.valueSize() != spec.valueSize()) diffs.add("value size " + m.valueSize() + " (want " + spec.valueSize() + ")");
        if (m.maxEntries() != spec.maxEntries()) diffs.add("max entries " + m.maxEntries() + " (want " + spec.maxEntries() + ")");
        if (m.flags() != spec.flagBits()) {
            diffs.add("flags " + MapFlag.describe(m.flags()) + " (want " + MapFlag.describe(spec.flagBits()) + ")");
        }
        if (!diffs.isEmpty()) {
            m.close();
            throw new IllegalArgumentException("map pinned at " + path + " is incompatible: " + String.join(", ", diffs)
                    + "; unpin it or change the spec");
        }
        return m;
    }
}
