package dev.ebpf4j.maps.props;

import dev.ebpf4j.maps.KeyValueMap;
import dev.ebpf4j.maps.Prefix;
import dev.ebpf4j.maps.PushPopMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.sim.SimulatedMaps;

import java.util.List;

/** The map property suite against the in-memory simulations (no kernel). */
class SimulatedMapPropertiesTest extends MapProperties {
    static final int CPUS = 3;

    @Override protected KeyValueMap<Integer, Long> hash(int max) { return SimulatedMaps.hash("p_hash", max, Codec.s32(), Codec.s64()); }
    @Override protected KeyValueMap<Integer, Long> lruHash(int max) { return SimulatedMaps.lruHash("p_lru", max, Codec.s32(), Codec.s64()); }
    @Override protected KeyValueMap<Integer, Long> array(int max) { return SimulatedMaps.array("p_array", max, Codec.s64()); }
    @Override protected KeyValueMap<Integer, List<Long>> perCpuHash(int max) { return SimulatedMaps.perCpuHash("p_pch", max, Codec.s32(), Codec.s64(), CPUS); }
    @Override protected KeyValueMap<Integer, List<Long>> perCpuArray(int max) { return SimulatedMaps.perCpuArray("p_pca", max, Codec.s64(), CPUS); }
    @Override protected KeyValueMap<Prefix, Integer> lpmTrie(int max) { return SimulatedMaps.lpmTrie("p_lpm", max, Prefix.ipv4Codec(), Codec.s32()); }
    @Override protected PushPopMap<Long> queue(int cap) { return SimulatedMaps.queue("p_queue", cap, Codec.s64()); }
    @Override protected PushPopMap<Long> stack(int cap) { return SimulatedMaps.stack("p_stack", cap, Codec.s64()); }
    @Override protected int cpus() { return CPUS; }
}
