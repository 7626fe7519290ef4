package dev.ebpf4j.k8s.conntrack;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.LruHashMap;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Frees the conntrack entries the datapath already treats as absent: one {@link #sweep()} reads a table with a batch
 * lookup, re-reads each expired entry just before deleting it (so a flow that has just reused the entry keeps it)
 * and deletes them with batch deletes. Deleting an lb_ct forward entry deletes its reply entry and its lb_snat
 * entry with it; the datapath refreshes the two directions together, so they expire together anyway. The IPv6 tables
 * (lb_ct6, lb_snat6, in objects that have them) are swept entry by entry on expiry alone, which that same refresh
 * makes enough: a forward entry and its partner age out within one refresh interval of each other.
 * {@link #start(Duration)} sweeps periodically on a daemon thread.
 *
 * {@snippet class="dev.ebpf4j.k8s.conntrack.PackageSnippets" region="gc"}
 *
 * <p>Thread-safe: sweeps are serialized; the counters may be read from any thread. Closing stops the thread and
 * closes this object's map views (not the BPF object).
 */
public final class ConntrackGc implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConntrackGc.class.getName());
    private static final int RECHECK_CHUNK = 1024;

    /** What one sweep saw and did. */
    public record Sweep(Map<String, Integer> before, Map<String, Integer> after, int deleted, Duration took) {
    }

    private final ConntrackTimeouts timeouts;
    private final Map<ConntrackTable, LruHashMap<byte[], byte[]>> maps = new EnumMap<>(ConntrackTable.class);
    private final Map<ConntrackTable, AtomicLong> entries = new EnumMap<>(ConntrackTable.class);
    private final Map<ConntrackTable, AtomicLong> deleted = new EnumMap<>(ConntrackTable.class);
    private volatile Sweep last;
    private Thread thread;
    private volatile boolean closed;

    private ConntrackGc(BpfObject obj, ConntrackTimeouts timeouts, List<ConntrackTable> tables) {
        this.timeouts = timeouts;
        try {
            for (ConntrackTable t : tables) {
                maps.put(t, LruHashMap.of(obj.map(t.map), t.key, t.value));
                entries.put(t, new AtomicLong());
                deleted.put(t, new AtomicLong());
            }
        } catch (RuntimeException e) {
            maps.values().forEach(LruHashMap::close);
            throw e;
        }
    }

    /**
     * @param lbObject the loaded lb_datapath object (its lb_ct and lb_snat maps, and lb_ct6 and lb_snat6 if present)
     * @param timeouts the timeouts it was loaded with
     * @return a sweep of its NodePort conntrack
     * @throws IllegalArgumentException when a map is missing or of another size
     */
    public static ConntrackGc forLoadBalancer(BpfObject lbObject, ConntrackTimeouts timeouts) {
        List<ConntrackTable> tables = new ArrayList<>(List.of(ConntrackTable.LB_CT, ConntrackTable.LB_SNAT));
        // Objects built before the IPv6 NodePort path have no lb_ct6 / lb_snat6.
        for (ConntrackTable t : List.of(ConntrackTable.LB_CT6, ConntrackTable.LB_SNAT6)) {
            if (lbObject.maps().stream().anyMatch(m -> m.name().equals(t.map))) tables.add(t);
        }
        return new ConntrackGc(lbObject, timeouts, tables);
    }

    /**
     * @param policyObject the loaded policy object (its policy_conntrack map)
     * @param timeouts     the timeouts it was loaded with
     * @return a sweep of its conntrack
     * @throws IllegalArgumentException when the map is missing or of another size
     */
    public static ConntrackGc forPolicy(BpfObject policyObject, ConntrackTimeouts timeouts) {
        return new ConntrackGc(policyObject, timeouts, List.of(ConntrackTable.POLICY));
    }

    /** The timeouts the sweep applies. */
    public ConntrackTimeouts timeouts() {
        return timeouts;
    }

    /** Sweeps every table once, now. */
    public synchronized Sweep sweep() {
        long t0 = System.nanoTime();
        Map<String, Integer> before = new LinkedHashMap<>(), after = new LinkedHashMap<>();
        int n = 0;
        if (maps.containsKey(ConntrackTable.LB_CT)) {
            n += sweepLb(before, after);
            for (ConntrackTable t : List.of(ConntrackTable.LB_CT6, ConntrackTable.LB_SNAT6)) {
                if (maps.containsKey(t)) n += sweepSimple(t, before, after);
            }
        } else {
            n += sweepSimple(ConntrackTable.POLICY, before, after);
        }
        Sweep s = new Sweep(Map.copyOf(before), Map.copyOf(after), n, Duration.ofNanos(System.nanoTime() - t0));
        last = s;
        return s;
    }

    private int sweepSimple(ConntrackTable t, Map<String, Integer> before, Map<String, Integer> after) {
        LruHashMap<byte[], byte[]> m = maps.get(t);
        Map<byte[], byte[]> all = m.getAll();
        List<byte[]> expired = expired(t, all);
        int removed = deleteStillExpired(t, expired, (k, v) -> { });
        record(t, all.size(), removed, before, after);
        return removed;
    }

    private int sweepLb(Map<String, Integer> before, Map<String, Integer> after) {
        LruHashMap<byte[], byte[]> ct = maps.get(ConntrackTable.LB_CT), snat = maps.get(ConntrackTable.LB_SNAT);
        Map<byte[], byte[]> cts = ct.getAll();
        Map<byte[], byte[]> snats = snat.getAll();
        Set<ByteBuffer> goneFlows = new HashSet<>(), goneReplies = new HashSet<>();
        List<byte[]> replies = new ArrayList<>();
        List<byte[]> expired = expired(ConntrackTable.LB_CT, cts);
        // Forward entries first: their reply entries go with them without a re-read of their own.
        int ctRemoved = deleteStillExpired(ConntrackTable.LB_CT, expired.stream().filter(LbFlowPartners::isForward).toList(),
                (key, value) -> {
                    goneFlows.add(LbFlowPartners.flowOfForward(key));
                    byte[] reply = LbFlowPartners.replyKey(key, value);
                    if (reply != null) {
                        replies.add(reply);
                        goneReplies.add(ByteBuffer.wrap(reply));
                    }
                });
        ctRemoved += ct.removeAll(replies);
        ctRemoved += deleteStillExpired(ConntrackTable.LB_CT, expired.stream()
                .filter(k -> !LbFlowPartners.isForward(k) && !goneReplies.contains(ByteBuffer.wrap(k))).toList(), (k, v) -> { });
        List<byte[]> snatGone = new ArrayList<>();
        long now = System.nanoTime();
        for (var e : snats.entrySet()) {
            if (goneFlows.contains(LbFlowPartners.flowOfSnat(e.getKey(), e.getValue()))
                    || ConntrackTable.LB_SNAT.expired(e.getKey(), e.getValue(), timeouts, now)) {
                snatGone.add(e.getKey());
            }
        }
        int snatRemoved = deleteStillExpiredOr(ConntrackTable.LB_SNAT, snatGone, goneFlows);
        record(ConntrackTable.LB_CT, cts.size(), ctRemoved, before, after);
        record(ConntrackTable.LB_SNAT, snats.size(), snatRemoved, before, after);
        return ctRemoved + snatRemoved;
    }

    private List<byte[]> expired(ConntrackTable t, Map<byte[], byte[]> all) {
        long now = System.nanoTime();
        List<byte[]> out = new ArrayList<>();
        for (var e : all.entrySet()) if (t.expired(e.getKey(), e.getValue(), timeouts, now)) out.add(e.getKey());
        return out;
    }

    /** Called with every entry a sweep deletes, as it was just before. */
    private interface Deleted {
        void accept(byte[] key, byte[] value);
    }

    /**
     * Re-reads the candidates chunk by chunk and batch-deletes those still expired: between the batch lookup and the
     * delete a packet may have revived the entry (a new flow on the same tuple), which must keep it.
     */
    private int deleteStillExpired(ConntrackTable t, List<byte[]> candidates, Deleted onDelete) {
        LruHashMap<byte[], byte[]> m = maps.get(t);
        int removed = 0;
        for (int from = 0; from < candidates.size(); from += RECHECK_CHUNK) {
            List<byte[]> chunk = candidates.subList(from, Math.min(candidates.size(), from + RECHECK_CHUNK));
            List<byte[]> gone = new ArrayList<>(chunk.size());
            long now = System.nanoTime();
            for (byte[] k : chunk) {
                Optional<byte[]> v = m.get(k);
                if (v.isPresent() && t.expired(k, v.get(), timeouts, now)) {
                    gone.add(k);
                    onDelete.accept(k, v.get());
                }
            }
            removed += m.removeAll(gone);
        }
        return removed;
    }

    private int deleteStillExpiredOr(ConntrackTable t, List<byte[]> candidates, Set<ByteBuffer> goneFlows) {
        LruHashMap<byte[], byte[]> m = maps.get(t);
        List<byte[]> gone = new ArrayList<>(candidates.size());
        long now = System.nanoTime();
        for (byte[] k : candidates) {
            Optional<byte[]> v = m.get(k);
            if (v.isPresent() && (t.expired(k, v.get(), timeouts, now)
                    || goneFlows.contains(LbFlowPartners.flowOfSnat(k, v.get())))) {
                gone.add(k);
            }
        }
        return m.removeAll(gone);
    }

    private void record(ConntrackTable t, int seen, int removed, Map<String, Integer> before, Map<String, Integer> after) {
        before.put(t.map, seen);
        after.put(t.map, Math.max(0, seen - removed));
        entries.get(t).set(Math.max(0, seen - removed));
        deleted.get(t).addAndGet(removed);
    }

    /** Entries per table (map name) as the last sweep left them (0 before the first). */
    public Map<String, Long> entries() {
        Map<String, Long> out = new LinkedHashMap<>();
        entries.forEach((t, n) -> out.put(t.map, n.get()));
        return out;
    }

    /** Entries the sweeps deleted, per table (map name), since this object was made. */
    public Map<String, Long> deletedTotal() {
        Map<String, Long> out = new LinkedHashMap<>();
        deleted.forEach((t, n) -> out.put(t.map, n.get()));
        return out;
    }

    /** The last sweep, if one ran. */
    public Optional<Sweep> lastSweep() {
        return Optional.ofNullable(last);
    }

    /**
     * Sweeps now and then every {@code interval} on a daemon thread until {@link #close()}; a failed sweep is logged
     * and retried at the next interval.
     *
     * @throws IllegalStateException when already started or closed
     */
    public synchronized ConntrackGc start(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("conntrack GC interval must be positive, got " + interval);
        }
        if (thread != null || closed) throw new IllegalStateException("conntrack GC already started or closed");
        thread = Thread.ofPlatform().daemon().name("ebpf4j-conntrack-gc").start(() -> run(interval));
        return this;
    }

    private void run(Duration interval) {
        while (!closed) {
            try {
                sweep();
            } catch (RuntimeException e) {
                if (closed) return;
                LOG.log(System.Logger.Level.WARNING, "conntrack sweep failed (next in " + interval + "): " + e);
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops the periodic sweep and closes the map views. Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) return;
            closed = true;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            maps.values().forEach(LruHashMap::close);
        }
    }
}
