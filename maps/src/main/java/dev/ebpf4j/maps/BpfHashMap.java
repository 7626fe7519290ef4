package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * A hash map ({@code BPF_MAP_TYPE_HASH}); named with a prefix to keep clear of {@link java.util.HashMap}.
 *
 * {@snippet :
 * try (BpfHashMap<Integer, Long> m = BpfHashMap.create("conns", 1024, Codec.s32(), Codec.s64())) {
 *     m.put(1, 42L);
 *     long v = m.getLong(1, 0);   // no allocation
 * }
 * }
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class BpfHashMap<K, V> extends KvMapBase<K, V> implements BpfMap {
    private BpfHashMap(MapFd map, Codec<K> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, key and value sizes, and with BTF every field offset. */
    public static <K, V> BpfHashMap<K, V> of(MapHandle map, Codec<K> key, Codec<V> value) {
        return new BpfHashMap<>(Narrow.check(map, key, value, MapType.HASH), key, value);
    }

    /** Creates a standalone map from a spec (or opens its compatible pinned map); close it when done. */
    public static <K, V> BpfHashMap<K, V> create(MapSpec spec, Codec<K> key, Codec<V> value) {
        Narrow.spec(spec, key, value, MapType.HASH);
        return new BpfHashMap<>(MapFd.create(spec), key, value);
    }

    /**
     * Opens a map pinned in bpffs (by this or another process) and checks its type and key/value sizes; the view
     * owns the new fd. To also check max entries and flags, create from a {@link MapSpec} with a pin path.
     */
    public static <K, V> BpfHashMap<K, V> openPinned(java.nio.file.Path path, Codec<K> key, Codec<V> value) {
        return new BpfHashMap<>(Narrow.pinned(path, key, value, MapType.HASH), key, value);
    }

    /** Creates a standalone map sized by the codecs. */
    public static <K, V> BpfHashMap<K, V> create(String name, int maxEntries, Codec<K> key, Codec<V> value) {
        return create(MapSpec.of(MapType.HASH, name, key.size(), value.size(), maxEntries), key, value);
    }
}
