package dev.ebpf4j.maps;

/**
 * Add and probabilistic membership, implemented by {@link BloomFilterMap} and its simulation.
 *
 * {@snippet :
 * BloomFilter<Integer> seen = BloomFilterMap.create("seen", 1000, 3, Codec.s32());
 * seen.add(42);
 * boolean maybe = seen.mightContain(42);   // true
 * }
 *
 * @param <V> element type
 */
public interface BloomFilter<V> extends AutoCloseable {
    /** Adds a value. */
    void add(V value);

    /** False if the value was certainly never added; true if it probably was. */
    boolean mightContain(V value);

    /** Releases the filter. Idempotent. */
    @Override
    void close();
}
