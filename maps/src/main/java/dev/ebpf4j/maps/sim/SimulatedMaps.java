package dev.ebpf4j.maps.sim;

import dev.ebpf4j.maps.BloomFilter;
import dev.ebpf4j.maps.KeyValueMap;
import dev.ebpf4j.maps.Prefix;
import dev.ebpf4j.maps.PushPopMap;
import dev.ebpf4j.maps.codec.Codec;

import java.util.List;

/**
 * Factories for the SIMULATED maps: in-memory, no kernel, no root. Each behaves like the kernel map type of the
 * same name as far as user space can observe (checked by the same property tests), and is nothing more.
 *
 * {@snippet :
 * KeyValueMap<Integer, Long> counts = SimulatedMaps.hash("counts", 16, Codec.s32(), Codec.s64());
 * PushPopMap<Long> work = SimulatedMaps.queue("work", 8, Codec.s64());
 * SimulatedRingBuffer events = new SimulatedRingBuffer(4096);   // hash-of-maps: use hash() with map ids
 * }
 */
public final class SimulatedMaps {
    private SimulatedMaps() {}

    /** A simulated {@code BPF_MAP_TYPE_HASH}. */
    public static <K, V> KeyValueMap<K, V> hash(String name, int maxEntries, Codec<K> key, Codec<V> value) {
        return new SimulatedKeyValueMap<>(SimKind.HASH, name, maxEntries, key, value, 1);
    }

    /** A simulated {@code BPF_MAP_TYPE_LRU_HASH}: a put into a full map evicts the least recently used key. */
    public static <K, V> KeyValueMap<K, V> lruHash(String name, int maxEntries, Codec<K> key, Codec<V> value) {
        return new SimulatedKeyValueMap<>(SimKind.LRU_HASH, name, maxEntries, key, value, 1);
    }

    /** A simulated {@code BPF_MAP_TYPE_LRU_PERCPU_HASH} with {@code cpus} slots per key. */
    public static <K, V> KeyValueMap<K, List<V>> lruPerCpuHash(String name, int maxEntries, Codec<K> key, Codec<V> value, int cpus) {
        return new SimulatedKeyValueMap<>(SimKind.LRU_HASH, name, maxEntries, key, new SimPerCpu<>(value, cpus), cpus);
    }

    /**
     * A simulated index-keyed fd map ({@code DEVMAP}, {@code CPUMAP}, {@code XSKMAP}, {@code SOCKMAP},
     * {@code PROG_ARRAY}, {@code ARRAY_OF_MAPS}): an array whose slots can be removed, holding the ints written.
     * The kernel would resolve fds and ifindexes; the simulation keeps the numbers as given.
     */
    public static <V> KeyValueMap<Integer, V> fdArray(String name, int maxEntries, Codec<V> value) {
        return new SimulatedKeyValueMap<>(SimKind.FD_ARRAY, name, maxEntries, Codec.s32(), value, 1);
    }

    /** A simulated {@code BPF_MAP_TYPE_BLOOM_FILTER} (exact: no false positives, which a real filter may have). */
    public static <V> BloomFilter<V> bloomFilter(Codec<V> value) {
        return new SimulatedBloomFilter<>(value);
    }

    /** A simulated {@code BPF_MAP_TYPE_ARRAY}: indexes 0..maxEntries-1, zero-initialized, never removed. */
    public static <V> KeyValueMap<Integer, V> array(String name, int maxEntries, Codec<V> value) {
        return new SimulatedKeyValueMap<>(SimKind.ARRAY, name, maxEntries, Codec.s32(), value, 1);
    }

    /** A simulated {@code BPF_MAP_TYPE_PERCPU_HASH} with {@code cpus} slots per key. */
    public static <K, V> KeyValueMap<K, List<V>> perCpuHash(String name, int maxEntries, Codec<K> key, Codec<V> value, int cpus) {
        return new SimulatedKeyValueMap<>(SimKind.HASH, name, maxEntries, key, new SimPerCpu<>(value, cpus), cpus);
    }

    /** A simulated {@code BPF_MAP_TYPE_PERCPU_ARRAY} with {@code cpus} slots per index. */
    public static <V> KeyValueMap<Integer, List<V>> perCpuArray(String name, int maxEntries, Codec<V> value, int cpus) {
        return new SimulatedKeyValueMap<>(SimKind.ARRAY, name, maxEntries, Codec.s32(), new SimPerCpu<>(value, cpus), cpus);
    }

    /** A simulated {@code BPF_MAP_TYPE_LPM_TRIE}: {@code get} returns the value of the longest containing prefix. */
    public static <V> KeyValueMap<Prefix, V> lpmTrie(String name, int maxEntries, Codec<Prefix> key, Codec<V> value) {
        return new SimulatedKeyValueMap<>(SimKind.LPM_TRIE, name, maxEntries, key, value, 1);
    }

    /** A simulated {@code BPF_MAP_TYPE_QUEUE} (FIFO). */
    public static <V> PushPopMap<V> queue(String name, int capacity, Codec<V> value) {
        return new SimulatedPushPop<>(name, capacity, value, true);
    }

    /** A simulated {@code BPF_MAP_TYPE_STACK} (LIFO). */
    public static <V> PushPopMap<V> stack(String name, int capacity, Codec<V> value) {
        return new SimulatedPushPop<>(name, capacity, value, false);
    }
}
