package dev.ebpf4j.maps.sim;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.KeyExistsException;
import dev.ebpf4j.core.KeyNotFoundException;
import dev.ebpf4j.core.MapFullException;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.maps.KeyValueMap;
import dev.ebpf4j.maps.Prefix;
import dev.ebpf4j.maps.PutMode;
import dev.ebpf4j.maps.codec.Codec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * SIMULATION of hash, LRU hash, array (and their per-CPU forms) and LPM trie maps. Keys are compared by their
 * encoded bytes and values stored encoded, exactly like the kernel, so codec errors and key identity match.
 * Thread-safe (every operation is synchronized).
 */
final class SimulatedKeyValueMap<K, V> implements KeyValueMap<K, V> {
    private final SimKind kind;
    private final String name;
    private final int maxEntries;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final LinkedHashMap<ByteBuffer, byte[]> entries;
    private boolean closed;

    SimulatedKeyValueMap(SimKind kind, String name, int maxEntries, Codec<K> key, Codec<V> value, int cpus) {
        if (maxEntries <= 0) throw new IllegalArgumentException("max entries must be positive, got " + maxEntries);
        this.kind = kind;
        this.name = Objects.requireNonNull(name, "name");
        this.maxEntries = maxEntries;
        this.keyCodec = Objects.requireNonNull(key, "key codec");
        this.valueCodec = Objects.requireNonNull(value, "value codec");
        // Access order for LRU: iteration starts at the least recently used key.
        this.entries = new LinkedHashMap<>(16, 0.75f, kind == SimKind.LRU_HASH);
        if (kind == SimKind.ARRAY) {
            for (int i = 0; i < maxEntries; i++) entries.put(encodeKey(keyCodec.decode(intSegment(i), 0)), new byte[value.size()]);
        }
    }

    private static MemorySegment intSegment(int i) {
        MemorySegment s = MemorySegment.ofArray(new byte[4]);
        s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0, i);
        return s;
    }

    @Override public String name() { return name; }
    @Override public int maxEntries() { return maxEntries; }

    private void open() {
        if (closed) throw new IllegalStateException("simulated map '" + name + "' is closed");
    }

    private ByteBuffer encodeKey(K key) {
        Objects.requireNonNull(key, "key is null");
        if (kind == SimKind.ARRAY || kind == SimKind.FD_ARRAY) {
            int index = (Integer) key;
            if (index < 0 || index >= maxEntries) {
                throw new IndexOutOfBoundsException("index " + index + " is outside map '" + name + "' (0.." + (maxEntries - 1) + ")");
            }
        }
        byte[] b = new byte[keyCodec.size()];
        keyCodec.encode(key, MemorySegment.ofArray(b), 0);
        return ByteBuffer.wrap(b);
    }

    private byte[] encodeValue(V value) {
        Objects.requireNonNull(value, "value is null");
        byte[] b = new byte[valueCodec.size()];
        valueCodec.encode(value, MemorySegment.ofArray(b), 0);
        return b;
    }

    private V decodeValue(byte[] b) {
        return valueCodec.decode(MemorySegment.ofArray(b), 0);
    }

    @Override
    public synchronized Optional<V> get(K key) {
        open();
        ByteBuffer k = encodeKey(key);
        if (kind == SimKind.LPM_TRIE) return longestMatch((Prefix) key);
        byte[] v = entries.get(k);
        return v == null ? Optional.empty() : Optional.of(decodeValue(v));
    }

    private Optional<V> longestMatch(Prefix key) {
        byte[] best = null;
        int bestLen = -1;
        for (Map.Entry<ByteBuffer, byte[]> e : entries.entrySet()) {
            Prefix p = keyCodec.decode(MemorySegment.ofArray(e.getKey().array()), 0) instanceof Prefix q ? q : null;
            if (p != null && p.length() <= key.length() && p.length() > bestLen && p.contains(key.address())) {
                best = e.getValue();
                bestLen = p.length();
            }
        }
        return best == null ? Optional.empty() : Optional.of(decodeValue(best));
    }

    @Override
    public synchronized void put(K key, V value, PutMode mode) {
        open();
        Objects.requireNonNull(mode, "mode is null");
        ByteBuffer k = encodeKey(key);
        byte[] v = encodeValue(value);
        String op = "map update " + name;
        boolean present = entries.containsKey(k);
        if (kind == SimKind.FD_ARRAY && mode != PutMode.ANY) {
            throw BpfException.of(op, Errno.EINVAL, "fd arrays take PutMode.ANY only");
        }
        if (mode == PutMode.NO_EXIST && present) throw new KeyExistsException(op);
        if (mode == PutMode.EXIST && !present) throw new KeyNotFoundException(op);
        if (!present && entries.size() >= maxEntries) {
            switch (kind) {
                case LRU_HASH -> entries.remove(entries.keySet().iterator().next());
                case LPM_TRIE -> throw new MapFullException(op, Errno.ENOSPC);
                default -> throw new MapFullException(op, Errno.E2BIG);
            }
        }
        entries.put(k, v);
    }

    @Override
    public synchronized boolean remove(K key) {
        open();
        ByteBuffer k = encodeKey(key);
        if (kind == SimKind.ARRAY) {
            throw BpfException.of("map delete " + name, Errno.EINVAL, "elements of ARRAY maps cannot be deleted; overwrite them instead");
        }
        return entries.remove(k) != null;
    }

    @Override
    public synchronized Optional<V> lookupAndDelete(K key) {
        open();
        ByteBuffer k = encodeKey(key);
        if (kind != SimKind.HASH && kind != SimKind.LRU_HASH) {
            throw NotSupportedException.missing("map lookup and delete " + name, "lookup-and-delete on " + kind + " maps", null);
        }
        byte[] v = entries.remove(k);
        return v == null ? Optional.empty() : Optional.of(decodeValue(v));
    }

    private synchronized List<Map.Entry<K, V>> snapshot() {
        open();
        List<Map.Entry<K, V>> out = new ArrayList<>(entries.size());
        for (Map.Entry<ByteBuffer, byte[]> e : entries.entrySet()) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(keyCodec.decode(MemorySegment.ofArray(e.getKey().array()), 0),
                    decodeValue(e.getValue())));
        }
        return out;
    }

    @Override
    public Iterable<K> keys() {
        return () -> snapshot().stream().map(Map.Entry::getKey).iterator();
    }

    @Override
    public Iterable<Map.Entry<K, V>> entries() {
        return () -> snapshot().iterator();
    }

    @Override
    public Map<K, V> getAll() {
        Map<K, V> out = new LinkedHashMap<>();
        for (Map.Entry<K, V> e : snapshot()) out.put(e.getKey(), e.getValue());
        return out;
    }

    @Override
    public synchronized void putAll(Map<? extends K, ? extends V> batch, PutMode mode) {
        for (Map.Entry<? extends K, ? extends V> e : batch.entrySet()) put(e.getKey(), e.getValue(), mode);
    }

    @Override
    public synchronized int removeAll(Collection<? extends K> keys) {
        int n = 0;
        for (K k : keys) if (remove(k)) n++;
        return n;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "SIMULATED " + kind + " map '" + name + "' (" + entries.size() + "/" + maxEntries + ")";
    }
}
