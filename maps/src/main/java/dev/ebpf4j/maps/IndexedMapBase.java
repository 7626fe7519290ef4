package dev.ebpf4j.maps;

import dev.ebpf4j.maps.codec.Codec;

/** The array-shaped maps: keys are indexes 0..maxEntries-1, and an index outside is an {@link IndexOutOfBoundsException}. */
abstract class IndexedMapBase<V> extends KvMapBase<Integer, V> {
    IndexedMapBase(MapFd map, Codec<Integer> key, Codec<V> value) {
        super(map, key, value);
    }

    @Override
    final void checkKey(Integer index) {
        Index.check(name(), index, maxEntries());
    }

    @Override
    final void checkKeyLong(long index) {
        Index.check(name(), index, maxEntries());
    }
}
