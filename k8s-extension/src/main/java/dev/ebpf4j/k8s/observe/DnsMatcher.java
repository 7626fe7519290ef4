package dev.ebpf4j.k8s.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Pairs DNS responses with queries by (client, server, transaction id), giving the query's timestamp to compute
 * latency. Bounded by {@code maxPending} (oldest evicted) and a timeout. A repeated query (retry or second capture
 * point) keeps the first timestamp. Not thread-safe.
 */
public final class DnsMatcher {
    private record Key(ConnectionKey connection, int id) {}

    private final int maxPending;
    private final long timeoutNanos;
    private final LinkedHashMap<Key, Long> pending;

    /** A matcher with the given bounds. */
    public DnsMatcher(int maxPending, long timeoutNanos) {
        if (maxPending < 1 || timeoutNanos < 1) throw new IllegalArgumentException("bounds must be positive");
        this.maxPending = maxPending;
        this.timeoutNanos = timeoutNanos;
        this.pending = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
                return size() > DnsMatcher.this.maxPending;
            }
        };
    }

    /** A matcher with defaults: 65536 pending queries, 30 s timeout. */
    public DnsMatcher() {
        this(65_536, 30_000_000_000L);
    }

    /** Records a query; returns false if the same query is already pending. */
    public boolean query(ConnectionKey connection, int id, long timestampNanos) {
        return pending.putIfAbsent(new Key(connection, id), timestampNanos) == null;
    }

    /** The pending query's timestamp for a response on {@code connection} (key in query direction), removing it. */
    public OptionalLong response(ConnectionKey connection, int id, long timestampNanos) {
        Long t = pending.remove(new Key(connection, id));
        if (t == null || timestampNanos - t > timeoutNanos) return OptionalLong.empty();
        return OptionalLong.of(t);
    }

    /** Queries waiting for a response. */
    public int pendingCount() {
        return pending.size();
    }
}
