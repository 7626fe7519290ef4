package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * A least-recently-used hash map ({@code BPF_MAP_TYPE_LRU_HASH}): a put into a full map evicts old entries instead of failing.
 *
 * {@snippet :
 * LruHashMap<Integer, Long> m = LruHashMap.create("flows", 4096, Codec.s32(), Codec.s64());
 * }
 *
 * <p>The kernel only guarantees that the map never holds more than max entries; which entry is evicted is
 * approximate (per-CPU free lists) and not part of the contract.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LruHashMap<K, V> extends KvMapBase<K, V> implements BpfMap {
    private LruHashMap(MapFd map, Codec<K> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, key and value sizes, and with BTF every field offset. */
    public static <K, V> LruHashMap<K, V> of(MapHandle map, Codec<K> key, Codec<V> value) {
        return new LruHashMap<>(Narrow.check(map, key, value, MapType.LRU_HASH), key, value);
    }

    /** Creates a standalone map from a spec (or opens its compatible pinned map); close it when done. */
    public static <K, V> LruHashMap<K, V> create(MapSpec spec, Codec<K> key, Codec<V> value) {
        Narrow.spec(spec, key, value, MapType.LRU_HASH);
        return new LruHashMap<>(MapFd.create(spec), key, value);
    }

    /**
     * Opens a map pinned in bpffs (by this or another process) and checks its type and key/value sizes; the view
     * owns the new fd. To also check max entries and flags, create from a {@link MapSpec} with a pin path.
     */
    public static <K, V> LruHashMap<K, V> openPinned(java.nio.file.Path path, Codec<K> key, Codec<V> value) {
        return new LruHashMap<>(Narrow.pinned(path, key, value, MapType.LRU_HASH), key, value);
    }

    /** Creates a standalone map sized by the codecs. */
    public static <K, V> LruHashMap<K, V> create(String name, int maxEntries, Codec<K> key, Codec<V> value) {
        return create(MapSpec.of(MapType.LRU_HASH, name, key.size(), value.size(), maxEntries), key, value);
    }
}
