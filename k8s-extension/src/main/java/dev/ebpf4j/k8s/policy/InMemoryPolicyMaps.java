package dev.ebpf4j.k8s.policy;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * <b>Simulation</b> of one node's policy maps (hash for endpoints, LPM tries for ipcache and rules, byte for byte),
 * which {@link PolicyDatapathModel} reads. Not thread-safe.
 */
public final class InMemoryPolicyMaps implements PolicyMapWriter {

    private final String node;
    private final Map<ByteBuffer, byte[]> endpoints = new HashMap<>();
    private final LpmTable ipcache = new LpmTable(20);
    private final LpmTable rules = new LpmTable(16);
    private int revision;

    /**
     * @param node the node these maps belong to
     */
    public InMemoryPolicyMaps(String node) {
        this.node = node;
    }

    /**
     * @param compiled compiled contents
     * @return maps holding exactly those entries
     */
    public static InMemoryPolicyMaps of(CompiledPolicy compiled) {
        InMemoryPolicyMaps maps = new InMemoryPolicyMaps(compiled.node());
        PolicyMapUpdate.plan(null, compiled).forEach(op -> op.applyTo(maps));
        return maps;
    }

    /** @return the node name */
    public String node() {
        return node;
    }

    /** @return the current revision */
    public int revision() {
        return revision;
    }

    @Override
    public void put(String map, byte[] key, byte[] value) {
        switch (map) {
            case PolicyMapLayout.ENDPOINTS_MAP -> endpoints.put(ByteBuffer.wrap(key.clone()), value.clone());
            case PolicyMapLayout.IPCACHE_MAP -> ipcache.put(key, value);
            case PolicyMapLayout.RULES_MAP -> rules.put(key, value);
            default -> throw new IllegalArgumentException("no policy map named " + map);
        }
    }

    @Override
    public void delete(String map, byte[] key) {
        switch (map) {
            case PolicyMapLayout.ENDPOINTS_MAP -> endpoints.remove(ByteBuffer.wrap(key));
            case PolicyMapLayout.IPCACHE_MAP -> ipcache.remove(key);
            case PolicyMapLayout.RULES_MAP -> rules.remove(key);
            default -> throw new IllegalArgumentException("no policy map named " + map);
        }
    }

    @Override
    public void revision(int revision) {
        this.revision = revision;
    }

    /** @return entry counts: endpoints, ipcache, rules */
    public int[] sizes() {
        return new int[] {endpoints.size(), ipcache.size(), rules.size()};
    }

    Optional<byte[]> endpoint(byte[] address) {
        return Optional.ofNullable(endpoints.get(ByteBuffer.wrap(address)));
    }

    Optional<byte[]> ipcache(byte[] key) {
        return ipcache.lookup(key);
    }

    Optional<byte[]> rule(byte[] key) {
        return rules.lookup(key);
    }

    /** @return the ipcache value stored under exactly this prefix */
    Optional<byte[]> ipcacheEntry(byte[] key) {
        return ipcache.exact(key);
    }

    /** @return the rule value stored under exactly this prefix */
    Optional<byte[]> ruleEntry(byte[] key) {
        return rules.exact(key);
    }
}
