package dev.ebpf4j.k8s.observe;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pairs HTTP/1.x requests with responses per connection. HTTP/1.1 answers in request order (even when pipelined), so
 * each connection keeps a FIFO of pending requests. A segment seen twice (retransmission, or captured on both ends
 * of a veth pair) has the same sequence number and is counted once. Bounded: at most {@code maxConnections}
 * connections (least recently used evicted) and {@code maxPending} requests per connection; requests older than
 * {@code timeoutNanos} are discarded. Not thread-safe.
 */
public final class HttpMatcher {
    /** A request waiting for its response. */
    public record Pending(HttpParser.Request request, long timestampNanos, long sequence) {}

    /** A completed exchange. */
    public record Exchange(ConnectionKey connection, HttpParser.Request request, HttpParser.Response response,
                           long requestNanos, long responseNanos) {
        /** Request-to-response time in nanoseconds. */
        public long latencyNanos() {
            return responseNanos - requestNanos;
        }
    }

    private static final class Conn {
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
        long lastRequestSeq = -1, lastResponseSeq = -1;
    }

    private final int maxConnections, maxPending;
    private final long timeoutNanos;
    private final LinkedHashMap<ConnectionKey, Conn> connections;
    private long discarded;

    /** A matcher with the given bounds. */
    public HttpMatcher(int maxConnections, int maxPending, long timeoutNanos) {
        if (maxConnections < 1 || maxPending < 1 || timeoutNanos < 1) throw new IllegalArgumentException("bounds must be positive");
        this.maxConnections = maxConnections;
        this.maxPending = maxPending;
        this.timeoutNanos = timeoutNanos;
        this.connections = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ConnectionKey, Conn> eldest) {
                if (size() <= HttpMatcher.this.maxConnections) return false;
                discarded += eldest.getValue().pending.size();
                return true;
            }
        };
    }

    /** A matcher with defaults: 65536 connections, 32 pending requests each, 60 s timeout. */
    public HttpMatcher() {
        this(65_536, 32, 60_000_000_000L);
    }

    /** Records a request sent on {@code connection}; returns false if it was a duplicate segment. */
    public boolean request(ConnectionKey connection, long sequence, long timestampNanos, HttpParser.Request request) {
        Conn c = connections.computeIfAbsent(connection, k -> new Conn());
        if (c.lastRequestSeq == sequence) return false;
        c.lastRequestSeq = sequence;
        expire(c, timestampNanos);
        if (c.pending.size() == maxPending) {
            c.pending.removeFirst();
            discarded++;
        }
        c.pending.addLast(new Pending(request, timestampNanos, sequence));
        return true;
    }

    /**
     * Matches a response travelling back on {@code connection} (key in request direction) with the oldest pending
     * request; empty if none is pending or the segment is a duplicate.
     */
    public Optional<Exchange> response(ConnectionKey connection, long sequence, long timestampNanos,
                                       HttpParser.Response response) {
        Conn c = connections.get(connection);
        if (c == null || c.lastResponseSeq == sequence) return Optional.empty();
        c.lastResponseSeq = sequence;
        expire(c, timestampNanos);
        Pending p = c.pending.pollFirst();
        if (p == null) return Optional.empty();
        return Optional.of(new Exchange(connection, p.request(), response, p.timestampNanos(), timestampNanos));
    }

    /** Requests currently waiting for a response, over all connections. */
    public int pendingCount() {
        int n = 0;
        for (Conn c : connections.values()) n += c.pending.size();
        return n;
    }

    /** Requests discarded unanswered (timeout, per-connection bound, connection eviction). */
    public long discardedCount() {
        return discarded;
    }

    private void expire(Conn c, long now) {
        for (Iterator<Pending> it = c.pending.iterator(); it.hasNext(); ) {
            if (now - it.next().timestampNanos() > timeoutNanos) {
                it.remove();
                discarded++;
            } else {
                break;
            }
        }
    }
}
