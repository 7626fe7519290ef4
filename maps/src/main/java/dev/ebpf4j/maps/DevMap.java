package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * A device map for XDP redirects ({@code BPF_MAP_TYPE_DEVMAP}); values are ifindexes (4 bytes) or {@code struct bpf_devmap_val} (8 bytes).
 *
 * {@snippet :
 * DevMap<Integer> ports = DevMap.create("ports", 16, Codec.s32());
 * ports.put(0, ifindex);
 * }
 *
 * <p>Keys are indexes 0..maxEntries-1; an index outside is an {@link IndexOutOfBoundsException}.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <V> value type
 */
public final class DevMap<V> extends IndexedMapBase<V> implements BpfMap {
    private DevMap(MapFd map, Codec<Integer> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, sizes, and with BTF the value layout. */
    public static <V> DevMap<V> of(MapHandle map, Codec<V> value) {
        return new DevMap<>(Narrow.check(map, Codec.s32(), value, MapType.DEVMAP), Codec.s32(), value);
    }

    /** Creates a standalone map from a spec (key size 4). */
    public static <V> DevMap<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, Codec.s32(), value, MapType.DEVMAP);
        return new DevMap<>(MapFd.create(spec), Codec.s32(), value);
    }

    /** Creates a standalone map of {@code maxEntries} slots. */
    public static <V> DevMap<V> create(String name, int maxEntries, Codec<V> value) {
        return create(MapSpec.of(MapType.DEVMAP, name, 4, value.size(), maxEntries), value);
    }

}
