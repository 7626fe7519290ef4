package dev.ebpf4j.maps;

import java.util.AbstractMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Keys from a {@link KeyIterator}, each looked up; keys deleted between the two steps are skipped. */
final class EntryIterator<K, V> implements Iterator<Map.Entry<K, V>> {
    private final KvMapBase<K, V> owner;
    private final KeyIterator<K> keys;
    private Map.Entry<K, V> pending;

    EntryIterator(KvMapBase<K, V> owner) {
        this.owner = owner;
        this.keys = new KeyIterator<>(owner);
    }

    @Override
    public boolean hasNext() {
        while (pending == null && keys.hasNext()) {
            K k = keys.next();
            Optional<V> v = owner.get(k);
            if (v.isPresent()) pending = new AbstractMap.SimpleImmutableEntry<>(k, v.get());
        }
        return pending != null;
    }

    @Override
    public Map.Entry<K, V> next() {
        if (!hasNext()) throw new NoSuchElementException();
        Map.Entry<K, V> e = pending;
        pending = null;
        return e;
    }
}
