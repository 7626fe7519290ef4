package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * An array of sockets ({@code BPF_MAP_TYPE_SOCKMAP}) for sk_msg/sk_skb redirects; put a socket fd, read back its cookie (8-byte values).
 *
 * {@snippet :
 * SockMap<Long> socks = SockMap.create("socks", 16, Codec.s64());
 * }
 *
 * <p>Keys are indexes 0..maxEntries-1; an index outside is an {@link IndexOutOfBoundsException}.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <V> value type
 */
public final class SockMap<V> extends IndexedMapBase<V> implements BpfMap {
    private SockMap(MapFd map, Codec<Integer> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, sizes, and with BTF the value layout. */
    public static <V> SockMap<V> of(MapHandle map, Codec<V> value) {
        return new SockMap<>(Narrow.check(map, Codec.s32(), value, MapType.SOCKMAP), Codec.s32(), value);
    }

    /** Creates a standalone map from a spec (key size 4). */
    public static <V> SockMap<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, Codec.s32(), value, MapType.SOCKMAP);
        return new SockMap<>(MapFd.create(spec), Codec.s32(), value);
    }

    /** Creates a standalone map of {@code maxEntries} slots. */
    public static <V> SockMap<V> create(String name, int maxEntries, Codec<V> value) {
        return create(MapSpec.of(MapType.SOCKMAP, name, 4, value.size(), maxEntries), value);
    }

}
