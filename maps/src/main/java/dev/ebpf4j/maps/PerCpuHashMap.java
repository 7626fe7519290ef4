package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.internal.Cpus;

import java.util.List;

/**
 * A per-CPU hash map ({@code BPF_MAP_TYPE_PERCPU_HASH}): each key has one value slot per CPU.
 *
 * {@snippet :
 * PerCpuHashMap<Integer, Long> m = PerCpuHashMap.create("pkts", 64, Codec.s32(), Codec.s64());
 * m.put(1, Collections.nCopies(m.cpus(), 0L));
 * long total = m.get(1).orElseThrow().stream().mapToLong(Long::longValue).sum();
 * }
 *
 * <p>Values are lists with one element per possible CPU ({@code /sys/devices/system/cpu/possible}).
 *
 * @see KeyValueMap for the operations and their errors
 *
 * @param <K> key type
 * @param <V> value type (one element per possible CPU in the list, for per-CPU maps)
 */
public final class PerCpuHashMap<K, V> extends KvMapBase<K, List<V>> implements BpfMap {
    private PerCpuHashMap(MapFd map, Codec<K> key, Codec<List<V>> value) {
        super(map, key, value);
    }

    /** Narrows a map of a loaded object; {@code value} is the codec of one CPU's value. */
    public static <K, V> PerCpuHashMap<K, V> of(MapHandle map, Codec<K> key, Codec<V> value) {
        return new PerCpuHashMap<>(Narrow.check(map, key, value, MapType.PERCPU_HASH), key, new PerCpuCodec<>(value, Cpus.possible()));
    }

    /** Creates a standalone map; {@code value} is the codec of one CPU's value. */
    public static <K, V> PerCpuHashMap<K, V> create(MapSpec spec, Codec<K> key, Codec<V> value) {
        Narrow.spec(spec, key, value, MapType.PERCPU_HASH);
        return new PerCpuHashMap<>(MapFd.create(spec), key, new PerCpuCodec<>(value, Cpus.possible()));
    }

    /** Creates a standalone map sized by the codecs. */
    public static <K, V> PerCpuHashMap<K, V> create(String name, int maxEntries, Codec<K> key, Codec<V> value) {
        return create(MapSpec.of(MapType.PERCPU_HASH, name, key.size(), value.size(), maxEntries), key, value);
    }

    /** The number of elements in every value list. */
    public int cpus() {
        return ((PerCpuCodec<?>) valueCodec).cpus();
    }
}
