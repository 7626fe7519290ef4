package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * An AF_XDP socket map ({@code BPF_MAP_TYPE_XSKMAP}); put an XDP socket fd at a queue index.
 *
 * {@snippet :
 * XskMap<Integer> xsks = XskMap.create("xsks", 4, Codec.s32());
 * xsks.put(0, xdpSocketFd);
 * }
 *
 * <p>Keys are indexes 0..maxEntries-1; an index outside is an {@link IndexOutOfBoundsException}.
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <V> value type
 */
public final class XskMap<V> extends IndexedMapBase<V> implements BpfMap {
    private XskMap(MapFd map, Codec<Integer> key, Codec<V> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; checks type, sizes, and with BTF the value layout. */
    public static <V> XskMap<V> of(MapHandle map, Codec<V> value) {
        return new XskMap<>(Narrow.check(map, Codec.s32(), value, MapType.XSKMAP), Codec.s32(), value);
    }

    /** Creates a standalone map from a spec (key size 4). */
    public static <V> XskMap<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, Codec.s32(), value, MapType.XSKMAP);
        return new XskMap<>(MapFd.create(spec), Codec.s32(), value);
    }

    /** Creates a standalone map of {@code maxEntries} slots. */
    public static <V> XskMap<V> create(String name, int maxEntries, Codec<V> value) {
        return create(MapSpec.of(MapType.XSKMAP, name, 4, value.size(), maxEntries), value);
    }

}
