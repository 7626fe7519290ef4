package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * A hash of sockets ({@code BPF_MAP_TYPE_SOCKHASH}) for sk_msg/sk_skb redirects; put a socket fd, read back its cookie (8-byte values).
 *
 * {@snippet :
 * SockHash<Integer, Long> socks = SockHash.create("socks", 64, Codec.s32(), Codec.s64());
 * }
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class SockHash<K, V> extends KvMapBase<K, V> implements BpfMap {
    private SockHash(MapFd map, Codec<K> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, key and value sizes, and with BTF every field offset. */
    public static <K, V> SockHash<K, V> of(MapHandle map, Codec<K> key, Codec<V> value) {
        return new SockHash<>(Narrow.check(map, key, value, MapType.SOCKHASH), key, value);
    }

    /** Creates a standalone map from a spec (or opens its compatible pinned map); close it when done. */
    public static <K, V> SockHash<K, V> create(MapSpec spec, Codec<K> key, Codec<V> value) {
        Narrow.spec(spec, key, value, MapType.SOCKHASH);
        return new SockHash<>(MapFd.create(spec), key, value);
    }

    /** Creates a standalone map sized by the codecs. */
    public static <K, V> SockHash<K, V> create(String name, int maxEntries, Codec<K> key, Codec<V> value) {
        return create(MapSpec.of(MapType.SOCKHASH, name, key.size(), value.size(), maxEntries), key, value);
    }
}
