package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * A CPU map for XDP redirects to other CPUs ({@code BPF_MAP_TYPE_CPUMAP}); values are queue sizes (4 bytes) or {@code struct bpf_cpumap_val} (8 bytes).
 *
 * {@snippet :
 * CpuMap<Integer> cpus = CpuMap.create("cpus", 2, Codec.s32());
 * cpus.put(1, 192);   // queue size of CPU 1
 * }
 *
 * <p>Keys are indexes 0..maxEntries-1; an index outside is an {@link IndexOutOfBoundsException}.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <V> value type
 */
public final class CpuMap<V> extends IndexedMapBase<V> implements BpfMap {
    private CpuMap(MapFd map, Codec<Integer> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, sizes, and with BTF the value layout. */
    public static <V> CpuMap<V> of(MapHandle map, Codec<V> value) {
        return new CpuMap<>(Narrow.check(map, Codec.s32(), value, MapType.CPUMAP), Codec.s32(), value);
    }

    /** Creates a standalone map from a spec (key size 4). */
    public static <V> CpuMap<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, Codec.s32(), value, MapType.CPUMAP);
        return new CpuMap<>(MapFd.create(spec), Codec.s32(), value);
    }

    /** Creates a standalone map of {@code maxEntries} slots. */
    public static <V> CpuMap<V> create(String name, int maxEntries, Codec<V> value) {
        return create(MapSpec.of(MapType.CPUMAP, name, 4, value.size(), maxEntries), value);
    }

}
