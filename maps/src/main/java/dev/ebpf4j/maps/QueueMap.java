package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;


/**
 * A {@code BPF_MAP_TYPE_QUEUE} map, FIFO: {@link #pop()} returns the oldest element. Keys do not exist (key size 0).
 *
 * {@snippet :
 * try (QueueMap<Long> m = QueueMap.create("work", 16, Codec.s64())) {
 *     m.push(1L);
 *     Optional<Long> next = m.pop();
 * }
 * }
 *
 * @see PushPopMap for the operations and their errors
 *
 * @param <V> value type
 */
public final class QueueMap<V> extends PushPopMapBase<V> implements BpfMap {
    private QueueMap(MapFd map, Codec<V> codec) {
        super(map, codec);
    }

    /** Narrows a map of a loaded object; checks type and value size. */
    public static <V> QueueMap<V> of(MapHandle map, Codec<V> value) {
        return new QueueMap<>(Narrow.check(map, null, value, MapType.QUEUE), value);
    }

    /** Creates a standalone map from a spec (key size 0). */
    public static <V> QueueMap<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, null, value, MapType.QUEUE);
        if (spec.keySize() != 0) throw new IllegalArgumentException("QUEUE maps have no keys: key size must be 0, got " + spec.keySize());
        return new QueueMap<>(MapFd.create(spec), value);
    }

    /** Creates a standalone map of {@code capacity} elements. */
    public static <V> QueueMap<V> create(String name, int capacity, Codec<V> value) {
        return create(MapSpec.of(MapType.QUEUE, name, 0, value.size(), capacity), value);
    }
}
