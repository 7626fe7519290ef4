package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * An array of maps ({@code BPF_MAP_TYPE_ARRAY_OF_MAPS}); put an inner map fd, read back the inner map id.
 *
 * {@snippet :
 * MapSpec spec = MapSpec.of(MapType.ARRAY_OF_MAPS, "outer", 4, 4, 8).withInnerMap(template);
 * ArrayOfMaps<Integer> outer = ArrayOfMaps.create(spec, Codec.s32());
 * outer.put(0, inner.fd());
 * }
 *
 * <p>Keys are indexes 0..maxEntries-1; an index outside is an {@link IndexOutOfBoundsException}.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <V> value type
 */
public final class ArrayOfMaps<V> extends IndexedMapBase<V> implements BpfMap {
    private ArrayOfMaps(MapFd map, Codec<Integer> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, sizes, and with BTF the value layout. */
    public static <V> ArrayOfMaps<V> of(MapHandle map, Codec<V> value) {
        return new ArrayOfMaps<>(Narrow.check(map, Codec.s32(), value, MapType.ARRAY_OF_MAPS), Codec.s32(), value);
    }

    /** Creates a standalone map from a spec (key size 4). */
    public static <V> ArrayOfMaps<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, Codec.s32(), value, MapType.ARRAY_OF_MAPS);
        return new ArrayOfMaps<>(MapFd.create(spec), Codec.s32(), value);
    }

    /** Creates a standalone map of {@code maxEntries} slots. */
    public static <V> ArrayOfMaps<V> create(String name, int maxEntries, Codec<V> value) {
        return create(MapSpec.of(MapType.ARRAY_OF_MAPS, name, 4, value.size(), maxEntries), value);
    }


    /** Puts {@code inner} at {@code index} (by fd; the kernel keeps a reference). */
    public void set(int index, BpfMap inner) {
        Index.check(name(), index, maxEntries());
        putLong(index, inner.fd());
    }
}
