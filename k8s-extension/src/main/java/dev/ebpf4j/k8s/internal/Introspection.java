package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * Walks the kernel's BPF object IDs (BPF_PROG/MAP/LINK_GET_NEXT_ID), opens objects by ID and reads their info
 * (BPF_OBJ_GET_INFO_BY_FD) through libbpf. Needs CAP_SYS_ADMIN. Struct offsets are the UAPI's (append-only), checked
 * against kernel BTF by IntrospectionLayoutTest.
 */
public final class Introspection {
    /** {@code sizeof(struct bpf_prog_info)}, {@code bpf_map_info}, {@code bpf_link_info} as of 6.18 UAPI. */
    static final int PROG_INFO_SIZE = 232, MAP_INFO_SIZE = 104, LINK_INFO_SIZE = 64;
    static final int PROG_TYPE = 0, PROG_ID = 4, PROG_TAG = 8, PROG_JITED_LEN = 16, PROG_XLATED_LEN = 20,
            PROG_LOAD_TIME = 40, PROG_UID = 48, PROG_NR_MAP_IDS = 52, PROG_MAP_IDS = 56, PROG_NAME = 64,
            PROG_RUN_TIME = 192, PROG_RUN_CNT = 200, PROG_VERIFIED = 216;
    static final int MAP_TYPE = 0, MAP_ID = 4, MAP_KEY = 8, MAP_VALUE = 12, MAP_MAX = 16, MAP_FLAGS = 20, MAP_NAME = 24;
    static final int LINK_TYPE = 0, LINK_ID = 4, LINK_PROG = 8, LINK_IFINDEX = 16, LINK_ATTACH_TYPE = 20;
    private static final int MAX_MAP_IDS = 64;

    private static final class H {
        static final MethodHandle PROG_NEXT = Native.downcall("bpf_prog_get_next_id", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
        static final MethodHandle MAP_NEXT = Native.downcall("bpf_map_get_next_id", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
        static final MethodHandle LINK_NEXT = Native.downcall("bpf_link_get_next_id", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
        static final MethodHandle PROG_FD = Native.downcall("bpf_prog_get_fd_by_id", FunctionDescriptor.of(C_INT, C_INT));
        static final MethodHandle MAP_FD = Native.downcall("bpf_map_get_fd_by_id", FunctionDescriptor.of(C_INT, C_INT));
        static final MethodHandle LINK_FD = Native.downcall("bpf_link_get_fd_by_id", FunctionDescriptor.of(C_INT, C_INT));
        static final MethodHandle INFO = Native.downcall("bpf_obj_get_info_by_fd", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
        static final MethodHandle NEXT_KEY = Native.downcall("bpf_map_get_next_key", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
        static final MethodHandle LOOKUP = Native.downcall("bpf_map_lookup_elem", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
        static final MethodHandle CPUS = Native.downcall("libbpf_num_possible_cpus", FunctionDescriptor.of(C_INT));
        static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(C_INT, C_INT));
    }

    private Introspection() {}

    /** IDs of all loaded programs, ascending. */
    public static List<Integer> programIds() {
        return ids(H.PROG_NEXT, "prog get next id");
    }

    /** IDs of all maps, ascending. */
    public static List<Integer> mapIds() {
        return ids(H.MAP_NEXT, "map get next id");
    }

    /** IDs of all links, ascending. */
    public static List<Integer> linkIds() {
        return ids(H.LINK_NEXT, "link get next id");
    }

    /** Info of program {@code id}; empty if it went away. */
    public static Optional<BpfObjectInfo.Program> program(int id) {
        return withInfo(H.PROG_FD, id, PROG_INFO_SIZE, "prog", (fd, arena, info) -> {
            MemorySegment mapIds = arena.allocate(4L * MAX_MAP_IDS);
            info.set(ValueLayout.JAVA_INT, PROG_NR_MAP_IDS, MAX_MAP_IDS);
            info.set(ValueLayout.JAVA_LONG, PROG_MAP_IDS, mapIds.address());
            getInfo(fd, info, PROG_INFO_SIZE, "prog get info");
            int nMaps = Math.min(info.get(ValueLayout.JAVA_INT, PROG_NR_MAP_IDS), MAX_MAP_IDS);
            List<Integer> maps = new ArrayList<>();
            for (int i = 0; i < nMaps; i++) maps.add(mapIds.getAtIndex(ValueLayout.JAVA_INT, i));
            byte[] tag = info.asSlice(PROG_TAG, 8).toArray(ValueLayout.JAVA_BYTE);
            return new BpfObjectInfo.Program(info.get(ValueLayout.JAVA_INT, PROG_ID),
                    programType(info.get(ValueLayout.JAVA_INT, PROG_TYPE)), string(info, PROG_NAME, 16),
                    HexFormat.of().formatHex(tag), info.get(ValueLayout.JAVA_INT, PROG_XLATED_LEN),
                    info.get(ValueLayout.JAVA_INT, PROG_JITED_LEN),
                    Duration.ofNanos(info.get(ValueLayout.JAVA_LONG, PROG_LOAD_TIME)), info.get(ValueLayout.JAVA_INT, PROG_UID),
                    List.copyOf(maps), info.get(ValueLayout.JAVA_LONG, PROG_RUN_TIME), info.get(ValueLayout.JAVA_LONG, PROG_RUN_CNT),
                    info.get(ValueLayout.JAVA_INT, PROG_VERIFIED));
        });
    }

    /** Info of map {@code id}; empty if it went away. */
    public static Optional<BpfObjectInfo.Map> map(int id) {
        return withInfo(H.MAP_FD, id, MAP_INFO_SIZE, "map", (fd, arena, info) -> {
            getInfo(fd, info, MAP_INFO_SIZE, "map get info");
            return mapInfo(info);
        });
    }

    /** Info of link {@code id}; empty if it went away. */
    public static Optional<BpfObjectInfo.Link> link(int id) {
        return withInfo(H.LINK_FD, id, LINK_INFO_SIZE, "link", (fd, arena, info) -> {
            getInfo(fd, info, LINK_INFO_SIZE, "link get info");
            int type = info.get(ValueLayout.JAVA_INT, LINK_TYPE);
            boolean netdev = type == 6 || type == 11 || type == 13;
            return new BpfObjectInfo.Link(info.get(ValueLayout.JAVA_INT, LINK_ID), type,
                    info.get(ValueLayout.JAVA_INT, LINK_PROG), netdev ? info.get(ValueLayout.JAVA_INT, LINK_IFINDEX) : 0,
                    type == 11 || type == 13 ? info.get(ValueLayout.JAVA_INT, LINK_ATTACH_TYPE) : 0);
        });
    }

    /** One map entry; per-CPU values hold every CPU's value back to back (each rounded up to 8 bytes). */
    public record Entry(byte[] key, byte[] value) {}

    /**
     * Up to {@code limit} entries of map {@code id} (hash-like and array maps; maps without lookup, such as ring
     * buffers, yield none). Entries deleted while walking are skipped.
     */
    public static List<Entry> entries(int id, int limit) {
        List<Entry> out = new ArrayList<>();
        withInfo(H.MAP_FD, id, MAP_INFO_SIZE, "map", (fd, arena, info) -> {
            walk(fd, mapInfo(fd, info), arena, limit, out);
            return null;
        });
        return out;
    }

    /** Reads the info of map {@code fd} into {@code info}. */
    static BpfObjectInfo.Map mapInfo(int fd, MemorySegment info) {
        getInfo(fd, info, MAP_INFO_SIZE, "map get info");
        return mapInfo(info);
    }

    /** Appends up to {@code limit} entries of map {@code fd} (described by {@code m}) to {@code out}. */
    static void walk(int fd, BpfObjectInfo.Map m, Arena arena, int limit, List<Entry> out) {
        if (m.keySize() == 0 || m.type() == MapType.RINGBUF) return;
        long valueSize = m.type().isPerCpu() ? ((m.valueSize() + 7L) / 8 * 8) * possibleCpus() : m.valueSize();
        MemorySegment key = arena.allocate(m.keySize()), next = arena.allocate(m.keySize());
        MemorySegment value = arena.allocate(Math.max(valueSize, 1));
        MemorySegment cur = MemorySegment.NULL;
        while (out.size() < limit) {
            int rc = call(H.NEXT_KEY, fd, cur, next);
            if (rc == -Errno.ENOENT) break;
            if (rc < 0) throw BpfException.of("map get next key", rc);
            MemorySegment.copy(next, 0, key, 0, m.keySize());
            cur = key;
            int lr = call(H.LOOKUP, fd, key, value);
            if (lr == -Errno.ENOENT) continue;
            if (lr < 0) throw BpfException.of("map lookup elem", lr);
            out.add(new Entry(key.toArray(ValueLayout.JAVA_BYTE), value.asSlice(0, valueSize).toArray(ValueLayout.JAVA_BYTE)));
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) H.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Number of keys in map {@code id} (walks the keys: O(entries) syscalls). */
    public static int countKeys(int id, int limit) {
        int[] n = {0};
        withInfo(H.MAP_FD, id, MAP_INFO_SIZE, "map", (fd, arena, info) -> {
            getInfo(fd, info, MAP_INFO_SIZE, "map get info");
            BpfObjectInfo.Map m = mapInfo(info);
            if (m.keySize() == 0 || m.type() == MapType.RINGBUF) return null;
            MemorySegment a = arena.allocate(m.keySize()), b = arena.allocate(m.keySize());
            MemorySegment cur = MemorySegment.NULL;
            while (n[0] < limit) {
                int rc = call(H.NEXT_KEY, fd, cur, b);
                if (rc < 0) break;
                MemorySegment.copy(b, 0, a, 0, m.keySize());
                cur = a;
                n[0]++;
            }
            return null;
        });
        return n[0];
    }

    /** The number of possible CPUs (per-CPU map value multiplier). */
    public static int possibleCpus() {
        try {
            int n = (int) H.CPUS.invokeExact();
            if (n <= 0) throw BpfException.of("num possible cpus", n);
            return n;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
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

    private static int call(MethodHandle h, int fd, MemorySegment a, MemorySegment b) {
        try {
            return (int) h.invokeExact(fd, a, b);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static BpfObjectInfo.Map mapInfo(MemorySegment info) {
        return new BpfObjectInfo.Map(info.get(ValueLayout.JAVA_INT, MAP_ID), mapType(info.get(ValueLayout.JAVA_INT, MAP_TYPE)),
                string(info, MAP_NAME, 16), info.get(ValueLayout.JAVA_INT, MAP_KEY), info.get(ValueLayout.JAVA_INT, MAP_VALUE),
                info.get(ValueLayout.JAVA_INT, MAP_MAX), info.get(ValueLayout.JAVA_INT, MAP_FLAGS));
    }

    private static ProgramType programType(int v) {
        return safe(ProgramType::of, v, ProgramType.UNSPEC);
    }

    private static MapType mapType(int v) {
        return safe(MapType::of, v, MapType.UNSPEC);
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
