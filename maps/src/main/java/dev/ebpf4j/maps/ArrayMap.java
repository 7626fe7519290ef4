package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.PrimitiveCodec;
import dev.ebpf4j.maps.internal.Mmap;
import dev.ebpf4j.maps.internal.Scratch;

import java.lang.foreign.MemorySegment;

/**
 * An array ({@code BPF_MAP_TYPE_ARRAY}): fixed slots 0..maxEntries-1, all present and zero from the start; slots
 * cannot be removed (the kernel answers EINVAL). Created with {@link MapFlag#MMAPABLE} it can be read and written
 * through shared memory with no syscall at all.
 *
 * {@snippet :
 * MapSpec spec = MapSpec.of(MapType.ARRAY, "stats", 4, 8, 64).withFlags(MapFlag.MMAPABLE);
 * try (ArrayMap<Long> stats = ArrayMap.create(spec, Codec.s64())) {
 *     stats.put(3, 7L);                 // a syscall
 *     long v = stats.getMappedLong(3);  // a plain memory read
 * }
 * }
 *
 * <p>Keys are indexes; an index outside 0..maxEntries-1 is an {@link IndexOutOfBoundsException}. The mapped view is
 * unmapped by {@link #close()}; later access to it throws {@link IllegalStateException}.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <V> value type
 */
public final class ArrayMap<V> extends IndexedMapBase<V> implements BpfMap {
    private final long stride;
    private volatile Mmap mapping;

    private ArrayMap(MapFd map, Codec<V> value) {
        super(map, Codec.s32(), value);
        this.stride = Scratch.align8(value.size());
    }

    /** Narrows a map of a loaded object; checks type, sizes, and with BTF the value layout. */
    public static <V> ArrayMap<V> of(MapHandle map, Codec<V> value) {
        return new ArrayMap<>(Narrow.check(map, Codec.s32(), value, MapType.ARRAY), value);
    }

    /** Creates a standalone array from a spec (key size 4). */
    public static <V> ArrayMap<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, Codec.s32(), value, MapType.ARRAY);
        return new ArrayMap<>(MapFd.create(spec), value);
    }

    /** Opens an array pinned in bpffs and checks its type and value size; the view owns the new fd. */
    public static <V> ArrayMap<V> openPinned(java.nio.file.Path path, Codec<V> value) {
        return new ArrayMap<>(Narrow.pinned(path, Codec.s32(), value, MapType.ARRAY), value);
    }

    /** Creates a standalone array of {@code maxEntries} slots. */
    public static <V> ArrayMap<V> create(String name, int maxEntries, Codec<V> value) {
        return create(MapSpec.of(MapType.ARRAY, name, 4, value.size(), maxEntries), value);
    }


    /**
     * The array's memory, mapped on first use: slot {@code i} starts at {@code i * round_up(valueSize, 8)}.
     * Reads and writes race with BPF programs exactly as in C; use atomics through {@link java.lang.invoke.VarHandle}
     * where the program updates atomically. Read-only when the map is frozen.
     *
     * @throws IllegalStateException if the map was not created with {@link MapFlag#MMAPABLE}
     */
    public MemorySegment memory() {
        Mmap m = mapping;
        if (m == null) m = mapLocked();
        return m.segment();
    }

    private synchronized Mmap mapLocked() {
        if (mapping != null) return mapping;
        if ((flags() & MapFlag.MMAPABLE.bit()) == 0) {
            throw new IllegalStateException("map '" + name() + "' is not memory-mappable: create it with MapFlag.MMAPABLE");
        }
        mapping = Mmap.mapArray(fd(), name(), stride * maxEntries());
        return mapping;
    }

    /** Reads slot {@code index} from the mapped memory (no syscall). */
    public V getMapped(int index) {
        Index.check(name(), index, maxEntries());
        return valueCodec.decode(memory(), index * stride);
    }

    /** Writes slot {@code index} through the mapped memory (no syscall). */
    public void setMapped(int index, V value) {
        Index.check(name(), index, maxEntries());
        valueCodec.encode(value, memory(), index * stride);
    }

    /** Reads an 8-byte slot as a {@code long} from the mapped memory: no syscall, no allocation. */
    public long getMappedLong(int index) {
        Index.check(name(), index, maxEntries());
        if (!(valueCodec instanceof PrimitiveCodec<V> p)) throw new IllegalStateException("getMappedLong needs an integer value codec");
        return p.decodeLong(memory(), index * stride);
    }

    /** Writes a slot from a {@code long} through the mapped memory: no syscall, no allocation. */
    public void setMappedLong(int index, long value) {
        Index.check(name(), index, maxEntries());
        if (!(valueCodec instanceof PrimitiveCodec<V> p)) throw new IllegalStateException("setMappedLong needs an integer value codec");
        p.encodeLong(value, memory(), index * stride);
    }

    @Override
    public void close() {
        Mmap m;
        synchronized (this) {
            m = mapping;
            mapping = null;
        }
        if (m != null) m.close();
        super.close();
    }
}
