package dev.ebpf4j.core.inspect;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * Every program, map and link the kernel holds, of any process: ids in ascending order and the info of one id.
 * An object can go away between listing and reading; the readers then return empty. Struct offsets are the UAPI's
 * (append-only), checked against kernel BTF by {@code KernelObjectsLayoutTest}.
 */
public final class KernelObjects {
    /** {@code sizeof(struct bpf_prog_info)}, {@code bpf_map_info}, {@code bpf_link_info} as of 6.18 UAPI. */
    static final int PROG_INFO_SIZE = 232, MAP_INFO_SIZE = 104, LINK_INFO_SIZE = 64;
    static final int PROG_TYPE = 0, PROG_ID = 4, PROG_TAG = 8, PROG_JITED_LEN = 16, PROG_XLATED_LEN = 20,
            PROG_LOAD_TIME = 40, PROG_UID = 48, PROG_NR_MAP_IDS = 52, PROG_MAP_IDS = 56, PROG_NAME = 64,
            PROG_RUN_TIME = 192, PROG_RUN_CNT = 200, PROG_VERIFIED = 216;
    static final int MAP_TYPE = 0, MAP_ID = 4, MAP_KEY = 8, MAP_VALUE = 12, MAP_MAX = 16, MAP_FLAGS = 20, MAP_NAME = 24;
    /** The link info union starts at 16: cgroup {u64 cgroup_id; u32 attach_type}, xdp/tcx/netkit {u32 ifindex; u32 attach_type}. */
    static final int LINK_TYPE = 0, LINK_ID = 4, LINK_PROG = 8, LINK_UNION = 16;
    private static final int MAX_MAP_IDS = 64, BPF_F_RDONLY = 1 << 3;

    private static final class H {
        static final MethodHandle PROG_NEXT = Native.downcall("bpf_prog_get_next_id", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
        static final MethodHandle MAP_NEXT = Native.downcall("bpf_map_get_next_id", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
        static final MethodHandle LINK_NEXT = Native.downcall("bpf_link_get_next_id", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
        static final MethodHandle PROG_FD = Native.downcall("bpf_prog_get_fd_by_id", FunctionDescriptor.of(C_INT, C_INT));
        static final MethodHandle MAP_FD = Native.downcall("bpf_map_get_fd_by_id", FunctionDescriptor.of(C_INT, C_INT));
        static final MethodHandle LINK_FD = Native.downcall("bpf_link_get_fd_by_id", FunctionDescriptor.of(C_INT, C_INT));
        static final MethodHandle INFO = Native.downcall("bpf_obj_get_info_by_fd", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
        static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(C_INT, C_INT));
        static final MethodHandle OBJ_GET_OPTS = Native.downcall("bpf_obj_get_opts", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
        static final MethodHandle CPUS = Native.downcall("libbpf_num_possible_cpus", FunctionDescriptor.of(C_INT));
    }

    private KernelObjects() {}

    /** Ids of all loaded programs, ascending. */
    public static List<Integer> programIds() {
        return ids(H.PROG_NEXT, "prog get next id");
    }

    /** Ids of all maps, ascending. */
    public static List<Integer> mapIds() {
        return ids(H.MAP_NEXT, "map get next id");
    }

    /** Ids of all links, ascending. */
    public static List<Integer> linkIds() {
        return ids(H.LINK_NEXT, "link get next id");
    }

    /** Info of program {@code id}; empty if it went away. */
    public static Optional<ProgramInfo> program(int id) {
        return withInfo(H.PROG_FD, id, PROG_INFO_SIZE, "prog", KernelObjects::programInfo);
    }

    /**
     * Info of a program this process loaded, read through its fd: the verifier's instruction count of a program
     * just loaded, say, without a search by name.
     */
    public static ProgramInfo program(ProgramHandle program) {
        try (Arena arena = Arena.ofConfined()) {
            return programInfo(program.fd(), arena, arena.allocate(PROG_INFO_SIZE, 8));
        }
    }

    private static ProgramInfo programInfo(int fd, Arena arena, MemorySegment info) {
        MemorySegment mapIds = arena.allocate(4L * MAX_MAP_IDS);
        info.set(ValueLayout.JAVA_INT, PROG_NR_MAP_IDS, MAX_MAP_IDS);
        info.set(ValueLayout.JAVA_LONG, PROG_MAP_IDS, mapIds.address());
        getInfo(fd, info, PROG_INFO_SIZE, "prog get info");
        int nMaps = Math.min(info.get(ValueLayout.JAVA_INT, PROG_NR_MAP_IDS), MAX_MAP_IDS);
        List<Integer> maps = new ArrayList<>();
        for (int i = 0; i < nMaps; i++) maps.add(mapIds.getAtIndex(ValueLayout.JAVA_INT, i));
        byte[] tag = info.asSlice(PROG_TAG, 8).toArray(ValueLayout.JAVA_BYTE);
        return new ProgramInfo(info.get(ValueLayout.JAVA_INT, PROG_ID),
                safe(ProgramType::of, info.get(ValueLayout.JAVA_INT, PROG_TYPE), ProgramType.UNSPEC),
                string(info, PROG_NAME, 16), HexFormat.of().formatHex(tag), info.get(ValueLayout.JAVA_INT, PROG_XLATED_LEN),
                info.get(ValueLayout.JAVA_INT, PROG_JITED_LEN),
                Duration.ofNanos(info.get(ValueLayout.JAVA_LONG, PROG_LOAD_TIME)), info.get(ValueLayout.JAVA_INT, PROG_UID),
                maps, info.get(ValueLayout.JAVA_LONG, PROG_RUN_TIME), info.get(ValueLayout.JAVA_LONG, PROG_RUN_CNT),
                info.get(ValueLayout.JAVA_INT, PROG_VERIFIED));
    }

    /** Whether a program with this id is still loaded (held by a link, pin or fd somewhere). */
    public static boolean programExists(int id) {
        return withInfo(H.PROG_FD, id, 8, "prog", (fd, arena, info) -> Boolean.TRUE).isPresent();
    }

    /** Info of map {@code id}; empty if it went away. */
    public static Optional<MapInfo> map(int id) {
        return withInfo(H.MAP_FD, id, MAP_INFO_SIZE, "map", (fd, arena, info) -> mapInfo(fd, info));
    }

    /**
     * Info of the map pinned at {@code path} (opened read-only, so a read-only pin works too).
     *
     * @throws BpfException ENOENT when nothing is pinned there, EINVAL when the pin is not a map
     */
    public static MapInfo pinnedMap(Path path) {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(16, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 16);
            opts.set(ValueLayout.JAVA_INT, 8, BPF_F_RDONLY);
            fd = (int) H.OBJ_GET_OPTS.invokeExact(arena.allocateFrom(path.toString()), opts);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (fd < 0) throw BpfException.of("open pinned map " + path, fd, -fd == Errno.ENOENT ? "nothing is pinned there" : null);
        try (Arena arena = Arena.ofConfined()) {
            return mapInfo(fd, arena.allocate(MAP_INFO_SIZE, 8));
        } finally {
            try {
                int ignored = (int) H.CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
        }
    }

    /** Info of link {@code id}; empty if it went away. */
    public static Optional<LinkSummary> link(int id) {
        return withInfo(H.LINK_FD, id, LINK_INFO_SIZE, "link", (fd, arena, info) -> {
            getInfo(fd, info, LINK_INFO_SIZE, "link get info");
            int type = info.get(ValueLayout.JAVA_INT, LINK_TYPE);
            boolean cgroup = type == LinkSummary.CGROUP;
            boolean netdev = type == LinkSummary.XDP || type == LinkSummary.TCX || type == LinkSummary.NETKIT;
            boolean hasAttachType = type == LinkSummary.TCX || type == LinkSummary.NETKIT;
            return new LinkSummary(info.get(ValueLayout.JAVA_INT, LINK_ID), type, info.get(ValueLayout.JAVA_INT, LINK_PROG),
                    cgroup ? info.get(ValueLayout.JAVA_LONG, LINK_UNION) : 0,
                    netdev ? info.get(ValueLayout.JAVA_INT, LINK_UNION) : 0,
                    cgroup ? info.get(ValueLayout.JAVA_INT, LINK_UNION + 8)
                            : hasAttachType ? info.get(ValueLayout.JAVA_INT, LINK_UNION + 4) : -1);
        });
    }

    /** Every link in the kernel, of any process, by id. */
    public static List<LinkSummary> links() {
        List<LinkSummary> out = new ArrayList<>();
        for (int id : linkIds()) link(id).ifPresent(out::add);
        return out;
    }

    /** The cgroup links attached to the cgroup with this id (the inode number of its cgroup v2 directory). */
    public static List<LinkSummary> cgroupLinks(long cgroupId) {
        return links().stream().filter(l -> l.type() == LinkSummary.CGROUP && l.cgroupId() == cgroupId).toList();
    }

    /**
     * The number of possible CPUs (libbpf's count: the highest possible CPU id plus one): the number of values a
     * per-CPU map holds per key.
     */
    public static int possibleCpus() {
        int n;
        try {
            n = (int) H.CPUS.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (n <= 0) throw BpfException.of("num possible cpus", n);
        return n;
    }

    /** Reads the info of the map open at {@code fd} into {@code info} (at least {@link #MAP_INFO_SIZE} bytes). */
    private static MapInfo mapInfo(int fd, MemorySegment info) {
        getInfo(fd, info, MAP_INFO_SIZE, "map get info");
        return new MapInfo(info.get(ValueLayout.JAVA_INT, MAP_ID),
                safe(MapType::of, info.get(ValueLayout.JAVA_INT, MAP_TYPE), MapType.UNSPEC),
                string(info, MAP_NAME, 16), info.get(ValueLayout.JAVA_INT, MAP_KEY), info.get(ValueLayout.JAVA_INT, MAP_VALUE),
                info.get(ValueLayout.JAVA_INT, MAP_MAX), info.get(ValueLayout.JAVA_INT, MAP_FLAGS));
    }

    private interface InfoReader<T> {
        T read(int fd, Arena arena, MemorySegment info);
    }

    private static <T> Optional<T> withInfo(MethodHandle byId, int id, int size, String what, InfoReader<T> reader) {
        int fd;
        try {
            fd = (int) byId.invokeExact(id);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (fd == -Errno.ENOENT) return Optional.empty();
        if (fd < 0) throw BpfException.of(what + " get fd by id " + id, fd);
        try (Arena arena = Arena.ofConfined()) {
            return Optional.ofNullable(reader.read(fd, arena, arena.allocate(size, 8)));
        } finally {
            try {
                int ignored = (int) H.CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
        }
    }

    private static void getInfo(int fd, MemorySegment info, int size, String op) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, size);
            int rc = (int) H.INFO.invokeExact(fd, info, len);
            if (rc < 0) throw BpfException.of(op, rc);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static List<Integer> ids(MethodHandle next, String op) {
        List<Integer> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment id = a.allocate(ValueLayout.JAVA_INT);
            int cur = 0;
            while (true) {
                int rc = (int) next.invokeExact(cur, id);
                if (rc == -Errno.ENOENT) return out;
                if (rc < 0) throw BpfException.of(op, rc);
                cur = id.get(ValueLayout.JAVA_INT, 0);
                out.add(cur);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static <T> T safe(IntFunction<T> f, int v, T fallback) {
        try {
            return f.apply(v);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    private static String string(MemorySegment s, long offset, int max) {
        byte[] b = s.asSlice(offset, max).toArray(ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < max && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
