package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * A device map keyed by any key ({@code BPF_MAP_TYPE_DEVMAP_HASH}) for XDP redirects; values are ifindexes (4 bytes) or {@code struct bpf_devmap_val}.
 *
 * {@snippet :
 * DevMapHash<Integer, Integer> ports = DevMapHash.create("ports", 64, Codec.s32(), Codec.s32());
 * ports.put(7, ifindex);
 * }
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class DevMapHash<K, V> extends KvMapBase<K, V> implements BpfMap {
    private DevMapHash(MapFd map, Codec<K> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, key and value sizes, and with BTF every field offset. */
    public static <K, V> DevMapHash<K, V> of(MapHandle map, Codec<K> key, Codec<V> value) {
        return new DevMapHash<>(Narrow.check(map, key, value, MapType.DEVMAP_HASH), key, value);
    }

    /** Creates a standalone map from a spec (or opens its compatible pinned map); close it when done. */
    public static <K, V> DevMapHash<K, V> create(MapSpec spec, Codec<K> key, Codec<V> value) {
        Narrow.spec(spec, key, value, MapType.DEVMAP_HASH);
        return new DevMapHash<>(MapFd.create(spec), key, value);
    }

    /** Creates a standalone map sized by the codecs. */
    public static <K, V> DevMapHash<K, V> create(String name, int maxEntries, Codec<K> key, Codec<V> value) {
        return create(MapSpec.of(MapType.DEVMAP_HASH, name, key.size(), value.size(), maxEntries), key, value);
    }
}
