package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * A longest-prefix-match trie ({@code BPF_MAP_TYPE_LPM_TRIE}); keys are {@link Prefix}es, and {@link #get} returns the value of the longest stored prefix that contains the key.
 *
 * {@snippet :
 * LpmTrieMap<Prefix, Integer> routes = LpmTrieMap.create("routes", 1024, Prefix.ipv4Codec(), Codec.s32());
 * routes.put(Prefix.of("10.0.0.0/8"), 1);
 * routes.get(Prefix.host("10.1.2.3"));   // Optional[1]
 * }
 *
 * <p>LPM tries need {@link MapFlag#NO_PREALLOC}; {@link #create(String, int, Codec, Codec)} sets it.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LpmTrieMap<K, V> extends KvMapBase<K, V> implements BpfMap {
    private LpmTrieMap(MapFd map, Codec<K> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, key and value sizes, and with BTF every field offset. */
    public static <K, V> LpmTrieMap<K, V> of(MapHandle map, Codec<K> key, Codec<V> value) {
        return new LpmTrieMap<>(Narrow.check(map, key, value, MapType.LPM_TRIE), key, value);
    }

    /** Creates a standalone map from a spec (or opens its compatible pinned map); close it when done. */
    public static <K, V> LpmTrieMap<K, V> create(MapSpec spec, Codec<K> key, Codec<V> value) {
        Narrow.spec(spec, key, value, MapType.LPM_TRIE);
        return new LpmTrieMap<>(MapFd.create(spec), key, value);
    }

    /**
     * Opens a map pinned in bpffs (by this or another process) and checks its type and key/value sizes; the view
     * owns the new fd. To also check max entries and flags, create from a {@link MapSpec} with a pin path.
     */
    public static <K, V> LpmTrieMap<K, V> openPinned(java.nio.file.Path path, Codec<K> key, Codec<V> value) {
        return new LpmTrieMap<>(Narrow.pinned(path, key, value, MapType.LPM_TRIE), key, value);
    }

    /** Creates a standalone map sized by the codecs. */
    public static <K, V> LpmTrieMap<K, V> create(String name, int maxEntries, Codec<K> key, Codec<V> value) {
        return create(MapSpec.of(MapType.LPM_TRIE, name, key.size(), value.size(), maxEntries).withFlags(MapFlag.NO_PREALLOC), key, value);
    }
}
