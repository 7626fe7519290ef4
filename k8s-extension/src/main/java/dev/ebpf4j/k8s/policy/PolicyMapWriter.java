package dev.ebpf4j.k8s.policy;

/**
 * Where {@link PolicyMapUpdate} writes: the kernel maps of a loaded {@code policy.bpf.c} object, or
 * {@link InMemoryPolicyMaps}. Map names are those of {@link PolicyMapLayout}; keys and values are encoded.
 */
public interface PolicyMapWriter {

    /**
     * Inserts or replaces an entry.
     *
     * @param map the map name
     * @param key the encoded key
     * @param value the encoded value
     */
    void put(String map, byte[] key, byte[] value);

    /**
     * Removes an entry; a missing entry is not an error.
     *
     * @param map the map name
     * @param key the encoded key
     */
    void delete(String map, byte[] key);

    /**
     * Publishes a new policy revision: tracked connections are re-checked against the maps on their next packet.
     *
     * @param revision the new revision
     */
    void revision(int revision);

    /**
     * Inserts or replaces entries in order, as one batch where the maps allow it.
     *
     * @param map the map name
     * @param keys the encoded keys
     * @param values the encoded values, one per key
     */
    default void putAll(String map, java.util.List<byte[]> keys, java.util.List<byte[]> values) {
        for (int i = 0; i < keys.size(); i++) put(map, keys.get(i), values.get(i));
    }

    /**
     * Removes entries, as one batch where the maps allow it; missing entries are not an error.
     *
     * @param map the map name
     * @param keys the encoded keys
     */
    default void deleteAll(String map, java.util.List<byte[]> keys) {
        for (byte[] k : keys) delete(map, k);
    }
}
