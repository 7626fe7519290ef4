package dev.ebpf4j.maps;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.PrimitiveCodec;
import dev.ebpf4j.maps.internal.Scratch;

import java.lang.foreign.MemorySegment;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed element operations over a {@link MapFd}. Keys and values are encoded into this thread's scratch buffers,
 * so a get or put allocates nothing but the decoded result; {@link #getLong}/{@link #putLong} allocate nothing.
 */
abstract class KvMapBase<K, V> extends MapBase implements KeyValueMap<K, V> {
    final Codec<K> keyCodec;
    final Codec<V> valueCodec;
    final int keyBytes, valueBytes;
    private final PrimitiveCodec<K> primKey;
    private final PrimitiveCodec<V> primValue;

    KvMapBase(MapFd map, Codec<K> keyCodec, Codec<V> valueCodec) {
        super(map);
        this.keyCodec = Objects.requireNonNull(keyCodec, "key codec");
        this.valueCodec = Objects.requireNonNull(valueCodec, "value codec");
        this.keyBytes = keyCodec.size();
        this.valueBytes = valueCodec.size();
        this.primKey = keyCodec instanceof PrimitiveCodec<K> p ? p : null;
        this.primValue = valueCodec instanceof PrimitiveCodec<V> p ? p : null;
    }

    /** Range or shape checks on a key before it reaches the kernel (array indexes). */
    void checkKey(K key) {}

    /** Like {@link #checkKey} for primitive keys. */
    void checkKeyLong(long key) {}

    final MemorySegment encodeKey(Scratch s, K key) {
        Objects.requireNonNull(key, "key is null");
        checkKey(key);
        MemorySegment k = s.key(keyBytes);
        keyCodec.encode(key, k, 0);
        return k;
    }

    @Override
    public Optional<V> get(K key) {
        Scratch s = Scratch.local();
        MemorySegment k = encodeKey(s, key);
        MemorySegment v = s.value(valueBytes);
        return map.lookup(k, v) ? Optional.of(valueCodec.decode(v, 0)) : Optional.empty();
    }

    @Override
    public void put(K key, V value, PutMode mode) {
        Objects.requireNonNull(value, "value is null");
        Objects.requireNonNull(mode, "mode is null");
        Scratch s = Scratch.local();
        MemorySegment k = encodeKey(s, key);
        MemorySegment v = s.value(valueBytes);
        valueCodec.encode(value, v, 0);
        map.update(k, v, mode.flag());
    }

    @Override
    public boolean remove(K key) {
        return map.delete(encodeKey(Scratch.local(), key));
    }

    @Override
    public Optional<V> lookupAndDelete(K key) {
        Scratch s = Scratch.local();
        MemorySegment k = encodeKey(s, key);
        MemorySegment v = s.value(valueBytes);
        return map.lookupAndDelete(k, v) ? Optional.of(valueCodec.decode(v, 0)) : Optional.empty();
    }

    /**
     * The value for a primitive key as a primitive, or {@code absent}: no boxing, no allocation. Needs integer
     * codecs (such as {@link Codec#s32()} and {@link Codec#s64()}) for both key and value.
     */
    public long getLong(long key, long absent) {
        PrimitiveCodec<K> kc = primitiveKey();
        PrimitiveCodec<V> vc = primitiveValue();
        checkKeyLong(key);
        Scratch s = Scratch.local();
        MemorySegment k = s.key(keyBytes);
        kc.encodeLong(key, k, 0);
        MemorySegment v = s.value(valueBytes);
        return map.lookup(k, v) ? vc.decodeLong(v, 0) : absent;
    }

    /** Puts a primitive key and value with {@link PutMode#ANY}: no boxing, no allocation. */
    public void putLong(long key, long value) {
        putLong(key, value, PutMode.ANY);
    }

    /** Puts a primitive key and value with a mode: no boxing, no allocation. */
    public void putLong(long key, long value, PutMode mode) {
        PrimitiveCodec<K> kc = primitiveKey();
        PrimitiveCodec<V> vc = primitiveValue();
        checkKeyLong(key);
        Scratch s = Scratch.local();
        MemorySegment k = s.key(keyBytes);
        kc.encodeLong(key, k, 0);
        MemorySegment v = s.value(valueBytes);
        vc.encodeLong(value, v, 0);
        map.update(k, v, mode.flag());
    }

    private PrimitiveCodec<K> primitiveKey() {
        if (primKey == null) throw new IllegalStateException("getLong/putLong need an integer key codec, not " + keyCodec.describe());
        return primKey;
    }

    private PrimitiveCodec<V> primitiveValue() {
        if (primValue == null) throw new IllegalStateException("getLong/putLong need an integer value codec, not " + valueCodec.describe());
        return primValue;
    }

    /**
     * Reads every entry of a map with integer key and value codecs into the arrays, in batches, without boxing;
     * returns the number of entries read (at most the arrays' length; entries beyond it are not read).
     */
    public int getAllLong(long[] keysOut, long[] valuesOut) {
        PrimitiveCodec<K> kc = primitiveKey();
        PrimitiveCodec<V> vc = primitiveValue();
        if (keysOut.length != valuesOut.length) throw new IllegalArgumentException("key and value arrays differ in length");
        int[] n = {0};
        boolean batched = Batch.lookupChunks(this, (keys, values, count) -> {
            for (int i = 0; i < count && n[0] < keysOut.length; i++, n[0]++) {
                keysOut[n[0]] = kc.decodeLong(keys, (long) i * keyBytes);
                valuesOut[n[0]] = vc.decodeLong(values, (long) i * valueBytes);
            }
        });
        if (!batched) {
            for (Map.Entry<K, V> e : entries()) {
                if (n[0] == keysOut.length) break;
                keysOut[n[0]] = kc.unbox(e.getKey());
                valuesOut[n[0]++] = vc.unbox(e.getValue());
            }
        }
        return n[0];
    }

    @Override
    public Iterable<K> keys() {
        return () -> new KeyIterator<>(this);
    }

    @Override
    public Iterable<Map.Entry<K, V>> entries() {
        return () -> new EntryIterator<>(this);
    }

    @Override
    public Map<K, V> getAll() {
        return Batch.lookupAll(this);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries, PutMode mode) {
        Batch.updateAll(this, entries, mode);
    }

    @Override
    public void putAll(List<? extends K> keys, List<? extends V> values, PutMode mode) {
        if (keys.size() != values.size()) {
            throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
        }
        Batch.updateAll(this, keys, values, mode);
    }

    @Override
    public int removeAll(Collection<? extends K> keys) {
        return Batch.deleteAll(this, keys);
    }

    /** The key codec. */
    public Codec<K> keyCodec() { return keyCodec; }

    /** The value codec. */
    public Codec<V> valueCodec() { return valueCodec; }
}
