package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.internal.Scratch;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A bloom filter ({@code BPF_MAP_TYPE_BLOOM_FILTER}, Linux 5.16+): {@link #add} values, then ask
 * {@link #mightContain}; false positives are possible, false negatives are not. Elements cannot be removed.
 *
 * {@snippet :
 * try (BloomFilterMap<Integer> seen = BloomFilterMap.create("seen", 1000, 3, Codec.s32())) {
 *     seen.add(42);
 *     seen.mightContain(42);   // true
 * }
 * }
 *
 * @param <V> value type
 */
public final class BloomFilterMap<V> extends MapBase implements BloomFilter<V>, BpfMap {
    private final Codec<V> codec;

    private BloomFilterMap(MapFd map, Codec<V> codec) {
        super(map);
        this.codec = codec;
    }

    /** Narrows a map of a loaded object; checks type and value size. */
    public static <V> BloomFilterMap<V> of(MapHandle map, Codec<V> value) {
        return new BloomFilterMap<>(Narrow.check(map, null, value, MapType.BLOOM_FILTER), value);
    }

    /** Creates a standalone filter from a spec (key size 0; {@code mapExtra} = number of hash functions). */
    public static <V> BloomFilterMap<V> create(MapSpec spec, Codec<V> value) {
        Narrow.spec(spec, null, value, MapType.BLOOM_FILTER);
        return new BloomFilterMap<>(MapFd.create(spec), value);
    }

    /** Creates a filter sized for {@code expected} elements with {@code hashes} hash functions (1..15). */
    public static <V> BloomFilterMap<V> create(String name, int expected, int hashes, Codec<V> value) {
        if (hashes < 1 || hashes > 15) throw new IllegalArgumentException("hashes must be 1..15, got " + hashes);
        return create(MapSpec.of(MapType.BLOOM_FILTER, name, 0, value.size(), expected).withMapExtra(hashes), value);
    }

    @Override
    public void add(V value) {
        Objects.requireNonNull(value, "value is null");
        MemorySegment v = Scratch.local().value(codec.size());
        codec.encode(value, v, 0);
        map.update(MemorySegment.NULL, v, 0);
    }

    @Override
    public boolean mightContain(V value) {
        Objects.requireNonNull(value, "value is null");
        MemorySegment v = Scratch.local().value(codec.size());
        codec.encode(value, v, 0);
        return map.lookup(MemorySegment.NULL, v);
    }
}
