package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * A hash of maps ({@code BPF_MAP_TYPE_HASH_OF_MAPS}); put an inner map fd, read back the inner map id.
 *
 * {@snippet :
 * MapSpec spec = MapSpec.of(MapType.HASH_OF_MAPS, "outer", 4, 4, 8).withInnerMap(template);
 * HashOfMaps<Integer, Integer> outer = HashOfMaps.create(spec, Codec.s32(), Codec.s32());
 * outer.put(1, inner.fd());
 * }
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class HashOfMaps<K, V> extends KvMapBase<K, V> implements BpfMap {
    private HashOfMaps(MapFd map, Codec<K> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, key and value sizes, and with BTF every field offset. */
    public static <K, V> HashOfMaps<K, V> of(MapHandle map, Codec<K> key, Codec<V> value) {
        return new HashOfMaps<>(Narrow.check(map, key, value, MapType.HASH_OF_MAPS), key, value);
    }

    /** Creates a standalone map from a spec (or opens its compatible pinned map); close it when done. */
    public static <K, V> HashOfMaps<K, V> create(MapSpec spec, Codec<K> key, Codec<V> value) {
        Narrow.spec(spec, key, value, MapType.HASH_OF_MAPS);
        return new HashOfMaps<>(MapFd.create(spec), key, value);
    }

    /** Creates a standalone map sized by the codecs. */
    public static <K, V> HashOfMaps<K, V> create(String name, int maxEntries, Codec<K> key, Codec<V> value) {
        return create(MapSpec.of(MapType.HASH_OF_MAPS, name, key.size(), value.size(), maxEntries), key, value);
    }
}
