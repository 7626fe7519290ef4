package dev.ebpf4j.maps;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed key/value operations, implemented by the kernel maps of this package and by the simulations in
 * {@link dev.ebpf4j.maps.sim}, so code and tests can run against either.
 *
 * {@snippet :
 * KeyValueMap<Integer, Long> m = BpfHashMap.create("m", 16, Codec.s32(), Codec.s64());
 * m.put(1, 10L, PutMode.NO_EXIST);      // KeyExistsException if 1 is present
 * Optional<Long> v = m.get(1);
 * m.remove(1);
 * }
 *
 * @param <K> key type
 * @param <V> value type (a {@code List} of one value per possible CPU for per-CPU maps)
 */
public interface KeyValueMap<K, V> extends AutoCloseable {
    /** The map's name. */
    String name();

    /** Max entries. */
    int maxEntries();

    /** The value for {@code key}, or empty if absent (for an LPM trie: the longest matching prefix's value). */
    Optional<V> get(K key);

    /** Creates or replaces; {@link dev.ebpf4j.core.MapFullException} if a new key does not fit. */
    default void put(K key, V value) {
        put(key, value, PutMode.ANY);
    }

    /**
     * Puts with a mode: {@link PutMode#NO_EXIST} throws {@link dev.ebpf4j.core.KeyExistsException} for a present
     * key, {@link PutMode#EXIST} throws {@link dev.ebpf4j.core.KeyNotFoundException} for a missing one.
     */
    void put(K key, V value, PutMode mode);

    /** Removes {@code key}; false if it was absent. Arrays cannot remove (a {@link dev.ebpf4j.core.BpfException} EINVAL). */
    boolean remove(K key);

    /** Removes and returns the value in one step (hash maps; others throw {@link dev.ebpf4j.core.NotSupportedException}). */
    Optional<V> lookupAndDelete(K key);

    /**
     * The keys, read lazily. Iteration survives concurrent deletion: when the previous key was deleted the kernel
     * restarts from the first key, and keys already returned are skipped, so each key is returned at most once;
     * keys added during iteration may or may not be seen.
     */
    Iterable<K> keys();

    /** The entries, read lazily like {@link #keys()}; a key deleted between listing and lookup is skipped. */
    Iterable<Map.Entry<K, V>> entries();

    /** Every entry, read in batches where the kernel supports it (else one lookup per key). */
    Map<K, V> getAll();

    /** Puts every entry in order in batches where supported; on failure, the entries before the failing one were applied. */
    void putAll(Map<? extends K, ? extends V> entries, PutMode mode);

    /**
     * Puts {@code keys.get(i) -> values.get(i)} for every i, in order, in batches where supported (like
     * cilium/ebpf's {@code BatchUpdate} with key and value slices): no map is built on the way, which matters when
     * writing tens of thousands of entries. A key given twice ends with its last value.
     *
     * @throws IllegalArgumentException when the lists differ in size
     */
    default void putAll(List<? extends K> keys, List<? extends V> values, PutMode mode) {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        Map<K, V> entries = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            entries.remove(keys.get(i)); // keep the order of the last occurrence
            entries.put(keys.get(i), values.get(i));
        }
        putAll(entries, mode);
    }

    /** Removes every present key of {@code keys} in batches where supported; returns how many were present. */
    int removeAll(Collection<? extends K> keys);

    /** Releases the map (a no-op for views that borrow their fd). Idempotent. */
    @Override
    void close();
}
