package dev.ebpf4j.maps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Walks keys with {@code BPF_MAP_GET_NEXT_KEY}. When the previous key was deleted meanwhile, the kernel answers with
 * the map's first key (hash maps) instead of failing; the set of keys already returned turns that restart into a
 * skip, so concurrent deletion never makes the iteration fail or repeat a key.
 */
final class KeyIterator<K> implements Iterator<K> {
    private final KvMapBase<K, ?> owner;
    private final MemorySegment prev, next;
    private final Set<ByteBuffer> seen = new HashSet<>();
    private boolean started, done;
    private K pending;

    KeyIterator(KvMapBase<K, ?> owner) {
        this.owner = owner;
        Arena arena = Arena.ofAuto();
        this.prev = arena.allocate(Math.max(1, owner.keyBytes), 8);
        this.next = arena.allocate(Math.max(1, owner.keyBytes), 8);
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !done) advance();
        return pending != null;
    }

    @Override
    public K next() {
        if (!hasNext()) throw new NoSuchElementException();
        K k = pending;
        pending = null;
        return k;
    }

    private void advance() {
        while (true) {
            boolean found = owner.map.nextKey(started ? prev : MemorySegment.NULL, next);
            started = true;
            if (!found) {
                done = true;
                return;
            }
            prev.copyFrom(next);
            byte[] raw = next.asSlice(0, owner.keyBytes).toArray(ValueLayout.JAVA_BYTE);
            if (seen.add(ByteBuffer.wrap(raw))) {
                pending = owner.keyCodec.decode(next, 0);
                return;
            }
        }
    }
}
