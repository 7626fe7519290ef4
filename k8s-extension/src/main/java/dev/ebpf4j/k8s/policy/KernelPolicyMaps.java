package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.BpfObjectSpec;
import dev.ebpf4j.k8s.conntrack.ConntrackTimeouts;
import dev.ebpf4j.k8s.observe.EndpointResolver;
import dev.ebpf4j.k8s.observe.Flow;
import dev.ebpf4j.k8s.observe.FlowDecoder;
import dev.ebpf4j.k8s.observe.FlowEventView;
import dev.ebpf4j.k8s.observe.KernelClock;
import dev.ebpf4j.maps.ArrayMap;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.KeyValueMap;
import dev.ebpf4j.maps.LpmTrieMap;
import dev.ebpf4j.maps.LruHashMap;
import dev.ebpf4j.maps.PerCpuArrayMap;
import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The maps of a loaded {@code policy.bpf.c} object as a {@link PolicyMapWriter}, plus its drop counters and flow
 * events (the common format of {@code observe_event.h}, decoded by {@link FlowDecoder}: drops with reason
 * {@code POLICY_DENIED}, allowed new connections as {@code FORWARDED} traces; a live observer reads the same ring with
 * {@code DatapathObserver.addRing(obj.map(FLOWS_MAP), obj.map(FLOWS_LOST_MAP))}). Making it checks every map's type and sizes, and {@link PolicyMapLayout}'s member offsets against the
 * object's BTF. The views borrow the object's map fds; closing this closes only the views and the ring buffer
 * reader. Not thread-safe.
 *
 * {@snippet :
 * try (BpfObject obj = BpfObject.open(policyObject).load();
 *      KernelPolicyMaps maps = KernelPolicyMaps.of(obj)) {
 *     NodePolicyUpdater updater = new NodePolicyUpdater("node-1", maps);
 *     updater.apply(state);
 *     maps.drainEvents(flow -> System.out.println(FlowFormat.summary(flow)));
 * }
 * }
 */
public final class KernelPolicyMaps implements PolicyMapWriter, AutoCloseable {
    /** The flow event ring buffer ({@code BPF_MAP_TYPE_RINGBUF}). */
    public static final String FLOWS_MAP = "policy_flows";
    /** Per-CPU count of flow events lost to a full ring (slot 0). */
    public static final String FLOWS_LOST_MAP = "policy_flows_lost";
    /** LRU map of the connections the programs accepted. */
    public static final String CONNTRACK_MAP = "policy_conntrack";
    /** LRU map of the verdicts of fragmented datagrams' first fragments, for their later fragments. */
    public static final String FRAGMENTS_MAP = "policy_fragments";

    private final Map<String, KeyValueMap<byte[], byte[]>> maps;
    private final LruHashMap<byte[], byte[]> conntrack;
    private final LruHashMap<byte[], byte[]> fragments;
    private final ArrayMap<byte[]> config;
    private final PerCpuArrayMap<Long> counters;
    private final RingBuffer flows;
    private final RingBufferReader reader;
    private final PerCpuArrayMap<Long> lost;
    private final FlowEventView view = new FlowEventView();
    private final FlowDecoder decoder = new FlowDecoder(EndpointResolver.none(), KernelClock.system());

    private KernelPolicyMaps(BpfObject obj) {
        maps = Map.of(
                PolicyMapLayout.ENDPOINTS_MAP, BpfHashMap.of(obj.map(PolicyMapLayout.ENDPOINTS_MAP),
                        PolicyStructs.ENDPOINT_KEY, PolicyStructs.ENDPOINT),
                PolicyMapLayout.IPCACHE_MAP, LpmTrieMap.of(obj.map(PolicyMapLayout.IPCACHE_MAP),
                        PolicyStructs.IPCACHE_KEY, PolicyStructs.IPCACHE_VALUE),
                PolicyMapLayout.RULES_MAP, LpmTrieMap.of(obj.map(PolicyMapLayout.RULES_MAP),
                        PolicyStructs.POLICY_KEY, PolicyStructs.POLICY_VALUE));
        conntrack = LruHashMap.of(obj.map(CONNTRACK_MAP), PolicyStructs.CT_KEY, PolicyStructs.CT_VALUE);
        fragments = LruHashMap.of(obj.map(FRAGMENTS_MAP), PolicyStructs.FRAG_KEY, PolicyStructs.FRAG_VALUE);
        config = ArrayMap.of(obj.map("policy_config"), PolicyStructs.CONFIG);
        counters = PerCpuArrayMap.of(obj.map("policy_counters"), Codec.u64());
        flows = RingBuffer.of(obj.map(FLOWS_MAP));
        lost = PerCpuArrayMap.of(obj.map(FLOWS_LOST_MAP), Codec.u64());
        reader = RingBufferReader.of(flows);
    }

    /**
     * Sets the conntrack lifetimes ({@code .rodata} {@code policy_ct_*_ns}) of an opened, not yet loaded policy
     * object.
     *
     * @param spec     the opened {@code policy.bpf.o}
     * @param timeouts the lifetimes
     * @return {@code spec}
     */
    public static BpfObjectSpec configureConntrack(BpfObjectSpec spec, ConntrackTimeouts timeouts) {
        spec.constant("policy_ct_tcp_ns", timeouts.tcpEstablished().toNanos());
        spec.constant("policy_ct_tcp_syn_ns", timeouts.tcpSyn().toNanos());
        spec.constant("policy_ct_tcp_closing_ns", timeouts.tcpClosing().toNanos());
        spec.constant("policy_ct_other_ns", timeouts.other().toNanos());
        spec.constant("policy_ct_refresh_ns", timeouts.refresh().toNanos());
        return spec;
    }

    /**
     * @param policyObject a loaded {@code policy.bpf.o}
     * @return typed access to its maps
     * @throws IllegalArgumentException if a map is missing or of another type or size
     */
    public static KernelPolicyMaps of(BpfObject policyObject) {
        return new KernelPolicyMaps(policyObject);
    }

    @Override
    public void put(String map, byte[] key, byte[] value) {
        map(map).put(key, value);
    }

    @Override
    public void delete(String map, byte[] key) {
        map(map).remove(key);
    }

    @Override
    public void putAll(String map, List<byte[]> keys, List<byte[]> values) {
        if (keys.size() == 1) {
            put(map, keys.get(0), values.get(0));
            return;
        }
        try {
            map(map).putAll(keys, values, dev.ebpf4j.maps.PutMode.ANY);
        } catch (dev.ebpf4j.core.BpfException e) {
            // Kernels before batch support for LPM tries (5.10 says ENOTSUPP part way): puts are idempotent, redo one by one.
            for (int i = 0; i < keys.size(); i++) put(map, keys.get(i), values.get(i));
        }
    }

    @Override
    public void deleteAll(String map, List<byte[]> keys) {
        if (keys.size() == 1) {
            delete(map, keys.get(0));
            return;
        }
        try {
            map(map).removeAll(keys);
        } catch (dev.ebpf4j.core.BpfException e) {
            for (byte[] k : keys) delete(map, k);
        }
    }

    @Override
    public void revision(int revision) {
        config.put(0, ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(revision).putInt(0).array());
    }

    /**
     * @return the revision last published (0 in fresh maps); a process adopting pinned maps continues above it, so
     *     connections tracked under the old revision are re-checked
     */
    public int revision() {
        return config.get(0).map(v -> ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt(0)).orElse(0);
    }

    /**
     * Removes the endpoint, ipcache and policy entries that {@code compiled} does not have: after a process
     * re-adopted pinned maps and wrote its state over them, this drops what the previous process left behind.
     * Endpoints go first, then the ipcache, then rules, the order of {@link PolicyMapUpdate}'s deletes.
     *
     * @param compiled the contents the maps should have
     * @return how many entries were removed
     */
    public int retainOnly(CompiledPolicy compiled) {
        int n = 0;
        n += retain(PolicyMapLayout.ENDPOINTS_MAP, compiled.endpoints().stream().map(PolicyMapLayout.EndpointEntry::key).toList());
        n += retain(PolicyMapLayout.IPCACHE_MAP, compiled.ipcache().stream().map(PolicyMapLayout.IpcacheEntry::key).toList());
        n += retain(PolicyMapLayout.RULES_MAP, compiled.policy().stream().map(PolicyMapLayout.PolicyEntry::key).toList());
        return n;
    }

    private int retain(String name, List<byte[]> keep) {
        java.util.Set<String> wanted = new java.util.HashSet<>();
        keep.forEach(k -> wanted.add(java.util.HexFormat.of().formatHex(k)));
        KeyValueMap<byte[], byte[]> m = map(name);
        List<byte[]> stale = new ArrayList<>();
        m.keys().forEach(k -> {
            if (!wanted.contains(java.util.HexFormat.of().formatHex(k))) stale.add(k);
        });
        return stale.isEmpty() ? 0 : m.removeAll(stale);
    }

    /**
     * Removes every entry of the endpoint, ipcache and policy maps (not conntrack).
     *
     * @return how many entries were removed
     */
    public int clear() {
        int n = 0;
        for (KeyValueMap<byte[], byte[]> m : maps.values()) {
            List<byte[]> keys = new ArrayList<>();
            m.keys().forEach(keys::add);
            n += m.removeAll(keys);
        }
        return n;
    }

    /**
     * Forgets every tracked connection (their next packets are decided as new connections) and every remembered
     * first-fragment verdict.
     *
     * @return how many connections were removed
     */
    public int clearConntrack() {
        List<byte[]> keys = new ArrayList<>();
        fragments.keys().forEach(keys::add);
        fragments.removeAll(keys);
        keys.clear();
        conntrack.keys().forEach(keys::add);
        return conntrack.removeAll(keys);
    }

    /**
     * @param reason a reason, or {@link DropReason#NONE} for allowed new connections
     * @return the count summed over CPUs
     */
    public long counter(DropReason reason) {
        return counters.get(reason.code()).orElseThrow().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Hands every pending flow event to {@code sink}, decoded without endpoint resolution. Drops are
     * {@code FlowType.DROP} flows with reason {@code POLICY_DENIED} and the direction of the pod policy that decided
     * ({@code EGRESS}: the pod sent the packet); allowed new connections are {@code FORWARDED} traces.
     *
     * @param sink the consumer
     * @return how many events were read
     */
    public int drainEvents(Consumer<Flow> sink) {
        return reader.drain((source, data, offset, length) ->
                sink.accept(decoder.decode(view.wrap(data, offset, length))), Integer.MAX_VALUE);
    }

    /** @return flow events the program could not report because the ring was full, summed over CPUs */
    public long lostEvents() {
        return lost.get(0).orElseThrow().stream().mapToLong(Long::longValue).sum();
    }

    private KeyValueMap<byte[], byte[]> map(String name) {
        KeyValueMap<byte[], byte[]> m = maps.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no policy map named " + name + "; use the PolicyMapLayout names");
        }
        return m;
    }

    @Override
    public void close() {
        reader.close();
        flows.close();
        lost.close();
        counters.close();
        config.close();
        conntrack.close();
        fragments.close();
        maps.values().forEach(KeyValueMap::close);
    }
}
