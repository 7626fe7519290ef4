package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.maps.internal.MapCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Batch operations ({@code BPF_MAP_*_BATCH}, Linux 5.6+ for hash and array types) with a fallback to one syscall
 * per element for map types whose kernel implementation has no batch support (LPM trie, for example).
 */
final class Batch {
    static final int CHUNK = 256, LOOKUP_CHUNK = 4096;

    private Batch() {}

    private static boolean unsupported(int errno) {
        return errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP || errno == Errno.EINVAL;
    }

    static MemorySegment opts(Arena arena, long elemFlags) {
        MemorySegment o = arena.allocate(24, 8);
        o.set(ValueLayout.JAVA_LONG, 0, 24);
        o.set(ValueLayout.JAVA_LONG, 8, elemFlags);
        return o;
    }

    /** Receives decoded chunks of a batch lookup: {@code n} keys and values back to back in the two segments. */
    interface Sink {
        void accept(MemorySegment keys, MemorySegment values, int n);
    }

    static <K, V> Map<K, V> lookupAll(KvMapBase<K, V> m) {
        Map<K, V> out = new LinkedHashMap<>();
        boolean batched = lookupChunks(m, (keys, values, n) -> {
            for (int i = 0; i < n; i++) {
                out.put(m.keyCodec.decode(keys, (long) i * m.keyBytes), m.valueCodec.decode(values, (long) i * m.valueBytes));
            }
        });
        return batched ? out : oneByOne(m);
    }

    /** Runs a batch lookup over the whole map; false (and nothing delivered) if the map type has no batch support. */
    static boolean lookupChunks(KvMapBase<?, ?> m, Sink sink) {
        int chunk = Math.max(1, Math.min(LOOKUP_CHUNK, m.maxEntries()));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(Math.max(8, m.keyBytes), 8), outTok = arena.allocate(Math.max(8, m.keyBytes), 8);
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT), opts = opts(arena, 0);
            MemorySegment keys = arena.allocate((long) m.keyBytes * chunk, 8), values = arena.allocate((long) m.valueBytes * chunk, 8);
            boolean first = true;
            while (true) {
                count.set(ValueLayout.JAVA_INT, 0, chunk);
                MemorySegment from = first ? MemorySegment.NULL : in;
                int f = m.map.acquire();
                int r;
                try {
                    r = (int) MapCalls.LOOKUP_BATCH.invokeExact(f, from, outTok, keys, values, count, opts);
                } finally {
                    m.map.release();
                }
                int n = count.get(ValueLayout.JAVA_INT, 0);
                if (r != 0 && r != -Errno.ENOENT) {
                    if (first && unsupported(-r)) return false;
                    if (r == -Errno.ENOSPC && n == 0) {
                        // A hash bucket holds more entries than fit in the chunk: retry bigger.
                        chunk *= 2;
                        keys = arena.allocate((long) m.keyBytes * chunk, 8);
                        values = arena.allocate((long) m.valueBytes * chunk, 8);
                        continue;
                    }
                    throw BpfException.of("map lookup batch " + m.name(), -r);
                }
                sink.accept(keys, values, n);
                if (r == -Errno.ENOENT) return true;
                in.copyFrom(outTok);
                first = false;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static <K, V> Map<K, V> oneByOne(KvMapBase<K, V> m) {
        Map<K, V> out = new LinkedHashMap<>();
        for (Map.Entry<K, V> e : m.entries()) out.put(e.getKey(), e.getValue());
        return out;
    }

    static <K, V> void updateAll(KvMapBase<K, V> m, Map<? extends K, ? extends V> entries, PutMode mode) {
        List<K> ks = new ArrayList<>(entries.size());
        List<V> vs = new ArrayList<>(entries.size());
        entries.forEach((k, v) -> {
            ks.add(k);
            vs.add(v);
        });
        updateAll(m, ks, vs, mode);
    }

    static <K, V> void updateAll(KvMapBase<K, V> m, List<? extends K> ks, List<? extends V> vs, PutMode mode) {
        Objects.requireNonNull(mode, "mode");
        // nulls are refused before anything is written, so a bad list leaves the map untouched
        for (int i = 0; i < ks.size(); i++) {
            Objects.requireNonNull(ks.get(i), "key is null");
            Objects.requireNonNull(vs.get(i), "value is null");
        }
        if (mode != PutMode.ANY) {
            // The kernel's batch update takes no NOEXIST/EXIST element flags (EINVAL): apply them one by one.
            for (int i = 0; i < ks.size(); i++) m.put(ks.get(i), vs.get(i), mode);
            return;
        }
        for (int from = 0; from < ks.size(); from += CHUNK) {
            int n = Math.min(CHUNK, ks.size() - from);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment keys = arena.allocate((long) m.keyBytes * n, 8), values = arena.allocate((long) m.valueBytes * n, 8);
                for (int i = 0; i < n; i++) {
                    K k = ks.get(from + i);
                    m.checkKey(k);
                    m.keyCodec.encode(k, keys, (long) i * m.keyBytes);
                    m.valueCodec.encode(vs.get(from + i), values, (long) i * m.valueBytes);
                }
                MemorySegment count = arena.allocateFrom(ValueLayout.JAVA_INT, n);
                int f = m.map.acquire();
                int r;
                try {
                    r = (int) MapCalls.UPDATE_BATCH.invokeExact(f, keys, values, count, opts(arena, mode.flag()));
                } finally {
                    m.map.release();
                }
                if (r == 0) continue;
                int done = count.get(ValueLayout.JAVA_INT, 0);
                if (done == 0 && from == 0 && (-r == Errno.ENOTSUPP || -r == Errno.EOPNOTSUPP)) {
                    for (int i = 0; i < ks.size(); i++) m.put(ks.get(i), vs.get(i), mode);
                    return;
                }
                throw MapFd.updateError("map update batch " + m.name() + " (element " + (from + done) + ")", -r);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
        }
    }

    static <K, V> int deleteAll(KvMapBase<K, V> m, Collection<? extends K> keyList) {
        List<K> ks = new ArrayList<>(keyList);
        int removed = 0;
        int from = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate((long) Math.max(1, m.keyBytes) * Math.max(1, ks.size()), 8);
            for (int i = 0; i < ks.size(); i++) {
                K k = Objects.requireNonNull(ks.get(i), "key is null");
                m.checkKey(k);
                m.keyCodec.encode(k, keys, (long) i * m.keyBytes);
            }
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT), opts = opts(arena, 0);
            while (from < ks.size()) {
                int n = Math.min(CHUNK, ks.size() - from);
                count.set(ValueLayout.JAVA_INT, 0, n);
                int f = m.map.acquire();
                int r;
                try {
                    r = (int) MapCalls.DELETE_BATCH.invokeExact(f, keys.asSlice((long) from * m.keyBytes), count, opts);
                } finally {
                    m.map.release();
                }
                int done = count.get(ValueLayout.JAVA_INT, 0);
                removed += done;
                if (r == 0) {
                    from += n;
                } else if (r == -Errno.ENOENT) {
                    from += done + 1; // the key at 'done' was absent: skip it and go on
                } else if (from == 0 && done == 0 && unsupported(-r)) {
                    for (K k : ks) if (m.remove(k)) removed++;
                    return removed;
                } else {
                    throw BpfException.of("map delete batch " + m.name(), -r);
                }
            }
            return removed;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
