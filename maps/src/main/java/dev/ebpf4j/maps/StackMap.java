package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.internal.Scratch;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code BPF_MAP_TYPE_STACK} map, LIFO: {@link #pop()} returns the newest element. Keys do not exist (key size 0).
 *
 * {@snippet :
 * try (StackMap<Long> m = StackMap.create("work", 16, Codec.s64())) {
 *     m.push(1L);
 *     Optional<Long> next = m.pop();
 * }
 * }
 *
 * @see PushPopMap for the operations and their errors
 *
 * @param <V> value type
 */
public final class StackMap<V> extends MapBase implements PushPopMap<V>, BpfMap {
    private final Codec<V> codec;

    private StackMap(MapFd map, Codec<V> codec) {
        super(map);
        this.codec = codec;
    }

    /** Narrows a map of a loaded object; checks type and value size. */
    public static <V> StackMap<V> of(MapHandle map, Codec<V> value) {
        return new StackMap<>(Narrow.check(map, null, value, MapType.STACK), value);
    }

    /** Creates a standalone map from a spec (key size 0). */
    public static <V> StackMap<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, null, value, MapType.STACK);
        if (spec.keySize() != 0) throw new IllegalArgumentException("STACK maps have no keys: key size must be 0, got " + spec.keySize());
        return new StackMap<>(MapFd.create(spec), value);
    }

    /** Creates a standalone map of {@code capacity} elements. */
    public static <V> StackMap<V> create(String name, int capacity, Codec<V> value) {
        return create(MapSpec.of(MapType.STACK, name, 0, value.size(), capacity), value);
    }

    @Override
    public void push(V value) {
        push(value, 0);
    }

    @Override
    public void pushOverwriting(V value) {
        push(value, PutMode.EXIST.flag());
    }

    private void push(V value, int flags) {
        Objects.requireNonNull(value, "value is null");
        MemorySegment v = Scratch.local().value(codec.size());
        codec.encode(value, v, 0);
        map.update(MemorySegment.NULL, v, flags);
    }

    @Override
    public Optional<V> pop() {
        MemorySegment v = Scratch.local().value(codec.size());
        return map.lookupAndDelete(MemorySegment.NULL, v) ? Optional.of(codec.decode(v, 0)) : Optional.empty();
    }

    @Override
    public Optional<V> peek() {
        MemorySegment v = Scratch.local().value(codec.size());
        return map.lookup(MemorySegment.NULL, v) ? Optional.of(codec.decode(v, 0)) : Optional.empty();
    }

    /** The element codec. */
    public Codec<V> valueCodec() {
        return codec;
    }
}
