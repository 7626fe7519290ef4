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
}
