package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.internal.Cpus;

import java.util.List;

/**
 * A per-CPU array ({@code BPF_MAP_TYPE_PERCPU_ARRAY}): each index has one value slot per CPU.
 *
 * {@snippet :
 * PerCpuArrayMap<Long> stats = PerCpuArrayMap.create("stats", 4, Codec.s64());
 * List<Long> perCpu = stats.get(0).orElseThrow();
 * }
 *
 * <p>Keys are indexes 0..maxEntries-1; an index outside is an {@link IndexOutOfBoundsException}.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <V> value type (one element per possible CPU in the list, for per-CPU maps)
 */
public final class PerCpuArrayMap<V> extends IndexedMapBase<List<V>> implements BpfMap {
    private PerCpuArrayMap(MapFd map, Codec<Integer> key, Codec<List<V>> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, sizes, and with BTF the value layout. */
    public static <V> PerCpuArrayMap<V> of(MapHandle map, Codec<V> value) {
        return new PerCpuArrayMap<>(Narrow.check(map, Codec.s32(), value, MapType.PERCPU_ARRAY), Codec.s32(), new PerCpuCodec<>(value, Cpus.possible()));
    }

    /** Opens a map pinned at {@code path}; checks type and sizes. Closing the view closes the opened fd. */
    public static <V> PerCpuArrayMap<V> openPinned(java.nio.file.Path path, Codec<V> value) {
        return new PerCpuArrayMap<>(Narrow.pinned(path, Codec.s32(), value, MapType.PERCPU_ARRAY), Codec.s32(),
                new PerCpuCodec<>(value, Cpus.possible()));
    }

    /** Creates a standalone map from a spec (key size 4). */
    public static <V> PerCpuArrayMap<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, Codec.s32(), value, MapType.PERCPU_ARRAY);
        return new PerCpuArrayMap<>(MapFd.create(spec), Codec.s32(), new PerCpuCodec<>(value, Cpus.possible()));
    }

    /** Creates a standalone map of {@code maxEntries} slots. */
    public static <V> PerCpuArrayMap<V> create(String name, int maxEntries, Codec<V> value) {
        return create(MapSpec.of(MapType.PERCPU_ARRAY, name, 4, value.size(), maxEntries), value);
    }


    /** The number of elements in every value list. */
    public int cpus() {
        return ((PerCpuCodec<?>) valueCodec).cpus();
    }
}
