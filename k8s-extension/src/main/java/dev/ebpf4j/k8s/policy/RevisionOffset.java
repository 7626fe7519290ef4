package dev.ebpf4j.k8s.policy;

/**
 * Writes through to the kernel maps but publishes revisions above the one adopted maps carry, so connections the
 * previous process tracked are re-checked against the new maps.
 */
record RevisionOffset(KernelPolicyMaps maps, int base) implements PolicyMapWriter {
    @Override
    public void put(String map, byte[] key, byte[] value) {
        maps.put(map, key, value);
    }

    @Override
    public void delete(String map, byte[] key) {
        maps.delete(map, key);
    }

    @Override
    public void revision(int revision) {
        maps.revision(base + revision);
    }
}
