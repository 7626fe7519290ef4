package dev.ebpf4j.maps;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.internal.Scratch;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

/** Queue and stack maps: no keys, push/pop/peek on values; the kernel decides the order. */
abstract class PushPopMapBase<V> extends MapBase implements PushPopMap<V> {
    private final Codec<V> codec;

    PushPopMapBase(MapFd map, Codec<V> codec) {
        super(map);
        this.codec = codec;
    }

    @Override
    public final void push(V value) {
        push(value, 0);
    }

    @Override
    public final void pushOverwriting(V value) {
        push(value, PutMode.EXIST.flag());
    }

    private void push(V value, int flags) {
        Objects.requireNonNull(value, "value is null");
        MemorySegment v = Scratch.local().value(codec.size());
        codec.encode(value, v, 0);
        map.update(MemorySegment.NULL, v, flags);
    }

    @Override
    public final Optional<V> pop() {
        MemorySegment v = Scratch.local().value(codec.size());
        return map.lookupAndDelete(MemorySegment.NULL, v) ? Optional.of(codec.decode(v, 0)) : Optional.empty();
    }

    @Override
    public final Optional<V> peek() {
        MemorySegment v = Scratch.local().value(codec.size());
        return map.lookup(MemorySegment.NULL, v) ? Optional.of(codec.decode(v, 0)) : Optional.empty();
    }

    /** The element codec. */
    public final Codec<V> valueCodec() {
        return codec;
    }
}
