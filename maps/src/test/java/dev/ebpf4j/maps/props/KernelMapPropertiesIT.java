package dev.ebpf4j.maps.props;

import dev.ebpf4j.maps.ArrayMap;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.KeyValueMap;
import dev.ebpf4j.maps.LpmTrieMap;
import dev.ebpf4j.maps.LruHashMap;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.PerCpuHashMap;
import dev.ebpf4j.maps.Prefix;
import dev.ebpf4j.maps.PushPopMap;
import dev.ebpf4j.maps.QueueMap;
import dev.ebpf4j.maps.StackMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.internal.Cpus;
import org.junit.jupiter.api.Tag;

import java.util.List;

/** The map property suite against real kernel maps (each try creates and closes fresh maps). */
@Tag("kernel")
class KernelMapPropertiesIT extends MapProperties {
    @Override protected KeyValueMap<Integer, Long> hash(int max) { return BpfHashMap.create("p_hash", max, Codec.s32(), Codec.s64()); }
    @Override protected KeyValueMap<Integer, Long> lruHash(int max) { return LruHashMap.create("p_lru", max, Codec.s32(), Codec.s64()); }
    @Override protected KeyValueMap<Integer, Long> array(int max) { return ArrayMap.create("p_array", max, Codec.s64()); }
    @Override protected KeyValueMap<Integer, List<Long>> perCpuHash(int max) { return PerCpuHashMap.create("p_pch", max, Codec.s32(), Codec.s64()); }
    @Override protected KeyValueMap<Integer, List<Long>> perCpuArray(int max) { return PerCpuArrayMap.create("p_pca", max, Codec.s64()); }
    @Override protected KeyValueMap<Prefix, Integer> lpmTrie(int max) { return LpmTrieMap.create("p_lpm", max, Prefix.ipv4Codec(), Codec.s32()); }
    @Override protected PushPopMap<Long> queue(int cap) { return QueueMap.create("p_queue", cap, Codec.s64()); }
    @Override protected PushPopMap<Long> stack(int cap) { return StackMap.create("p_stack", cap, Codec.s64()); }
    @Override protected int cpus() { return Cpus.possible(); }
}
