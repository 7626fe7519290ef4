package dev.ebpf4j.maps;

import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.KeyExistsException;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.internal.Cpus;
import dev.ebpf4j.maps.internal.MapCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An untyped view of any map with keys: keys and values as byte arrays of the map's own sizes, for tools that copy,
 * dump or migrate maps whose layout they do not model (the counterpart of cilium/ebpf's {@code Map} used with
 * {@code []byte}). A per-CPU map's value holds every possible CPU's value back to back, each padded to 8 bytes
 * ({@link #valueBytes()}), as the kernel reads and writes them.
 *
 * {@snippet class="dev.ebpf4j.maps.PackageSnippets" region="raw-map"}
 *
 * <p>Every {@link KeyValueMap} operation works, with the same errors; byte-array keys compare by identity, so look
 * entries up with {@link #get} rather than in the {@link #getAll()} result. {@link #copyTo} copies every entry into
 * another map in batches. Thread safety and iteration under concurrent change are as for every {@link BpfMap}.
 * An opened view owns its fd ({@link #close()} releases it); a view {@linkplain #of(MapHandle) of an object's map}
 * borrows the object's.
 */
public final class RawMap extends KvMapBase<byte[], byte[]> implements BpfMap {
    private RawMap(MapFd map) {
        super(map, Codec.bytes(keyBytesOf(map)), Codec.bytes(valueBytes(map)));
    }

    private static RawMap wrap(MapFd map) {
        try {
            return new RawMap(map);
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
    }

    /** A byte-level view of a loaded object's map; the object keeps owning the fd. */
    public static RawMap of(MapHandle map) {
        return wrap(MapFd.borrow(Objects.requireNonNull(map, "map handle")));
    }

    /** Opens the map pinned at {@code path} (by this or another process), read-write; the view owns the new fd. */
    public static RawMap openPinned(Path path) {
        return wrap(Pins.open(Objects.requireNonNull(path, "path")));
    }

    /**
     * Opens the map pinned at {@code path} read-only ({@code BPF_F_RDONLY}): lookups and iteration work, updates fail
     * with EPERM. The way a CLI reads what an agent programmed without being able to change it.
     */
    public static RawMap openPinnedReadOnly(Path path) {
        return wrap(Pins.open(Objects.requireNonNull(path, "path"), Pins.READ_ONLY));
    }

    /** Opens the map with this kernel id (as {@code bpftool map show} lists them; needs CAP_SYS_ADMIN). */
    public static RawMap openById(int id) {
        return wrap(Pins.openById(id));
    }

    private static int keyBytesOf(MapFd m) {
        if (m.keySize() == 0) {
            throw new IllegalArgumentException(m + " has no keys (ring buffers, queues, stacks, bloom filters); "
                    + "read it with its own class, such as RingBuffer or QueueMap");
        }
        return m.keySize();
    }

    private static int valueBytes(MapFd m) {
        if (m.valueSize() == 0) throw new IllegalArgumentException(m + " has no values to read as bytes");
        return m.type().isPerCpu() ? roundUp8(m.valueSize()) * Cpus.possible() : m.valueSize();
    }

    private static int roundUp8(int n) {
        return (n + 7) & ~7;
    }

    /**
     * Bytes of one value as {@link #get} returns it and {@link #put} takes it: the value size, or for per-CPU maps the
     * value size rounded up to 8 times the number of possible CPUs.
     */
    public int valueBytes() {
        return valueBytes;
    }

    /** For per-CPU maps the number of per-CPU slots in a value ({@link #valueBytes()} / {@link #perCpuStride()}), else 1. */
    public int cpuSlots() {
        return type().isPerCpu() ? Cpus.possible() : 1;
    }

    /** Bytes between two CPUs' values in a per-CPU value (the value size rounded up to 8), or the value size. */
    public int perCpuStride() {
        return type().isPerCpu() ? roundUp8(valueSize()) : valueSize();
    }

    /** The kernel's id of the map (as {@code bpftool map show} prints it), read from the kernel on each call. */
    public int id() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(88, 8);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 88);
            int f = map.acquire();
            int r;
            try {
                r = (int) MapCalls.INFO_BY_FD.invokeExact(f, info, len);
            } finally {
                map.release();
            }
            if (r != 0) throw dev.ebpf4j.core.BpfException.of("map info " + name(), r);
            return info.get(ValueLayout.JAVA_INT, 4);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Receives entries of a walk; the segments are valid only during the call. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(MemorySegment key, MemorySegment value);
    }

    /**
     * Visits every entry, in batches of up to 4,096 ({@code BPF_MAP_LOOKUP_BATCH}, Linux 5.6+) or, for map types without
     * batch lookup (LPM trie), key by key; entries deleted during the walk are skipped. No snapshot: see {@link BpfMap}.
     */
    public void forEach(EntryVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        boolean batched = Batch.lookupChunks(this, (keys, values, n) -> {
            for (int i = 0; i < n; i++) {
                visitor.visit(keys.asSlice((long) i * keyBytes, keyBytes), values.asSlice((long) i * valueBytes, valueBytes));
            }
        });
        if (batched) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(keyBytes, 8), next = arena.allocate(keyBytes, 8);
            MemorySegment value = arena.allocate(valueBytes, 8);
            MemorySegment prev = MemorySegment.NULL;
            while (map.nextKey(prev, next)) {
                MemorySegment.copy(next, 0, key, 0, keyBytes);
                prev = key;
                if (map.lookup(key, value)) visitor.visit(key, value);
            }
        }
    }

    /**
     * Up to {@code limit} entries as byte arrays, in map order (a walk, so entries deleted meanwhile are skipped).
     *
     * @throws IllegalArgumentException when {@code limit} is negative
     */
    public List<Entry> entries(int limit) {
        if (limit < 0) throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        List<Entry> out = new ArrayList<>();
        if (limit == 0) return out;
        for (var e : entries()) {
            out.add(new Entry(e.getKey(), e.getValue()));
            if (out.size() == limit) break;
        }
        return out;
    }

    /** The number of keys, walking them ({@code BPF_MAP_GET_NEXT_KEY}: one syscall per key), stopping at {@code limit}. */
    public int countKeys(int limit) {
        int n = 0;
        for (byte[] ignored : keys()) if (++n >= limit) break;
        return n;
    }

    /** One entry of a {@link RawMap}: raw key and value bytes. Arrays are not copied; do not change them. */
    public record Entry(byte[] key, byte[] value) {}

    /**
     * Copies every entry of this map into {@code target}, in batches where the kernel has them; returns how many
     * entries were written. With {@link PutMode#NO_EXIST} entries the target already has are kept (and not counted);
     * with {@link PutMode#ANY} they are overwritten. Entries deleted from this map during the copy may be missed, and
     * entries added during it may or may not be copied.
     *
     * @throws IllegalArgumentException when the maps differ in key size, value size or per-CPU-ness (nothing is copied);
     *                                  the message names both maps and the mismatch
     * @throws dev.ebpf4j.core.MapFullException when the target fills up (the entries before are written)
     */
    public int copyTo(RawMap target, PutMode mode) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(mode, "mode");
        if (mode == PutMode.EXIST) throw new IllegalArgumentException("copyTo takes PutMode.ANY or NO_EXIST, not EXIST");
        List<String> diffs = new ArrayList<>();
        if (keySize() != target.keySize()) diffs.add("key size " + keySize() + " B vs " + target.keySize() + " B");
        if (type().isPerCpu() != target.type().isPerCpu()) {
            diffs.add((type().isPerCpu() ? "per-CPU" : "shared") + " values vs "
                    + (target.type().isPerCpu() ? "per-CPU" : "shared") + " values");
        } else if (valueSize() != target.valueSize()) {
            diffs.add("value size " + valueSize() + " B vs " + target.valueSize() + " B");
        }
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("cannot copy " + map + " into " + target.map + ": " + String.join(", ", diffs)
                    + "; convert the entries instead (forEach and put with the new layout)");
        }
        int[] written = {0};
        boolean[] batchUpdate = {mode == PutMode.ANY};
        boolean batched = Batch.lookupChunks(this, (keys, values, n) -> {
            if (batchUpdate[0]) {
                int done = target.updateBatch(keys, values, n);
                if (done >= 0) {
                    written[0] += done;
                    return;
                }
                batchUpdate[0] = false; // the target's type has no batch update: one by one from now on
            }
            for (int i = 0; i < n; i++) {
                if (target.putIfAllowed(keys.asSlice((long) i * keyBytes, keyBytes),
                        values.asSlice((long) i * valueBytes, valueBytes), mode)) written[0]++;
            }
        });
        if (!batched) forEach((k, v) -> {
            if (target.putIfAllowed(k, v, mode)) written[0]++;
        });
        return written[0];
    }

    /** One update; false when {@code NO_EXIST} found the key present. */
    private boolean putIfAllowed(MemorySegment key, MemorySegment value, PutMode mode) {
        try {
            map.update(key, value, mode.flag());
            return true;
        } catch (KeyExistsException e) {
            if (mode == PutMode.NO_EXIST) return false;
            throw e;
        }
    }

    /** {@code BPF_MAP_UPDATE_BATCH} of {@code n} packed entries; the number written, or -1 when the type has no batch update. */
    private int updateBatch(MemorySegment keys, MemorySegment values, int n) {
        if (n == 0) return 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocateFrom(ValueLayout.JAVA_INT, n);
            int f = map.acquire();
            int r;
            try {
                r = (int) MapCalls.UPDATE_BATCH.invokeExact(f, keys, values, count, Batch.opts(arena, 0));
            } finally {
                map.release();
            }
            if (r == 0) return n;
            int done = count.get(ValueLayout.JAVA_INT, 0);
            if (done == 0 && (-r == Errno.ENOTSUPP || -r == Errno.EOPNOTSUPP || -r == Errno.EINVAL)) return -1;
            throw MapFd.updateError("map update batch " + name() + " (element " + done + ")", -r);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
