package dev.ebpf4j.k8s.policy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.IpcacheEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Plans the map writes that take a node from one {@link CompiledPolicy} to the next, in an order where every
 * intermediate state allows at least what both the old and the new state allow:
 *
 * <ol>
 *   <li>put new and changed policy rules (inert until something points at their identities),</li>
 *   <li>for endpoints losing an isolation flag, clear it now (the looser of both states),</li>
 *   <li>rewrite the ipcache, longest prefixes first, giving every prefix of the old or the new state the value the
 *       new state gives its addresses (a prefix about to vanish gets that of its longest new parent); because LPM
 *       answers with the longest present prefix, every address then sees either its whole old or its whole new
 *       identity at every moment, never a mixture,</li>
 *   <li>put new and changed endpoints with their final flags,</li>
 *   <li>delete vanished endpoints, then ipcache entries, then rules.</li>
 * </ol>
 *
 * The caller then publishes a new revision ({@link PolicyMapWriter#revision}), after which tracked connections are
 * re-checked: an established connection that stays allowed keeps flowing, one that the new policy denies is
 * dropped on its next packet, and a new connection sees the new policy as soon as the writes returned.
 */
public final class PolicyMapUpdate {

    /** A put or a delete. */
    public enum Kind {
        /** Insert or replace. */
        PUT,
        /** Remove. */
        DELETE
    }

    /**
     * One map write.
     *
     * @param kind put or delete
     * @param map the map name
     * @param key the encoded key
     * @param value the encoded value (empty for deletes)
     */
    public record Op(Kind kind, String map, byte[] key, byte[] value) {
        /**
         * @param writer where to write
         */
        public void applyTo(PolicyMapWriter writer) {
            if (kind == Kind.PUT) {
                writer.put(map, key, value);
            } else {
                writer.delete(map, key);
            }
        }

        @Override
        public String toString() {
            return kind + " " + map + " " + HexFormat.of().formatHex(key);
        }
    }

    private PolicyMapUpdate() {
    }

    /**
     * What changes in one map: per key, the value the maps hold now and the value wanted, either null for absent.
     * Removals report the value held, additions the value wanted, in any order (a key moving from one endpoint to
     * another is removed by one and added by the other). Keys are compared by content.
     */
    static final class MapChanges {
        private final Map<ByteBuffer, byte[][]> changes = new LinkedHashMap<>();

        /**
         * Records that {@code key} held {@code before} (if not null) and is wanted with {@code after} (if not null).
         *
         * @param key the encoded key
         * @param before the value held now, or null when this call says nothing of it
         * @param after the value wanted, or null when this call says nothing of it
         */
        void change(byte[] key, byte[] before, byte[] after) {
            byte[][] e = changes.computeIfAbsent(ByteBuffer.wrap(key), k -> new byte[][] {key, null, null});
            if (before != null) e[1] = before;
            if (after != null) e[2] = after;
        }

        /** @return the keys whose value changes: {key, held or null, wanted or null} */
        List<byte[][]> entries() {
            List<byte[][]> out = new ArrayList<>(changes.size());
            for (byte[][] e : changes.values()) if (!Arrays.equals(e[1], e[2])) out.add(e);
            return out;
        }
    }

    /**
     * The changes of one update, for {@link #plan(Changes)}.
     *
     * @param rules changes of {@value PolicyMapLayout#RULES_MAP}
     * @param endpoints changes of {@value PolicyMapLayout#ENDPOINTS_MAP}
     * @param ipcache changes of {@value PolicyMapLayout#IPCACHE_MAP}, by prefix: the entry held now and the one
     *     wanted, either null
     * @param longestNewParent the longest prefix of the new ipcache containing a given prefix (and not equal to it),
     *     or null
     */
    record Changes(MapChanges rules, MapChanges endpoints, Map<Cidr, IpcacheEntry[]> ipcache,
                   Function<Cidr, IpcacheEntry> longestNewParent) {
    }

    /**
     * @param from the current contents, or null for empty maps
     * @param to the desired contents
     * @return the writes, ordered as described above
     */
    public static List<Op> plan(CompiledPolicy from, CompiledPolicy to) {
        CompiledPolicy old = from != null ? from : new CompiledPolicy(to.node(), List.of(), List.of(), List.of(), List.of());
        MapChanges rules = new MapChanges();
        diff(rules, old.policy(), to.policy(), e -> new byte[][] {e.key(), e.value()});
        MapChanges endpoints = new MapChanges();
        diff(endpoints, old.endpoints(), to.endpoints(), e -> new byte[][] {e.key(), e.value()});
        Map<Cidr, IpcacheEntry[]> ipcache = new LinkedHashMap<>();
        old.ipcache().forEach(e -> ipcache.put(e.prefix(), new IpcacheEntry[] {e, null}));
        to.ipcache().forEach(e -> ipcache.computeIfAbsent(e.prefix(), k -> new IpcacheEntry[2])[1] = e);
        ipcache.values().removeIf(pair -> pair[0] != null && pair[1] != null && Arrays.equals(pair[0].value(), pair[1].value()));
        return plan(new Changes(rules, endpoints, ipcache, k -> {
            IpcacheEntry parent = null;
            for (IpcacheEntry e : to.ipcache()) {
                if (e.prefix().contains(k) && e.prefix().prefixLength() < k.prefixLength()
                        && (parent == null || e.prefix().prefixLength() > parent.prefix().prefixLength())) {
                    parent = e;
                }
            }
            return parent;
        }));
    }

    /**
     * @param c the changes of one update
     * @return the writes, ordered as described above
     */
    static List<Op> plan(Changes c) {
        List<Op> ops = new ArrayList<>();
        for (byte[][] e : c.rules().entries()) {
            if (e[2] != null) ops.add(new Op(Kind.PUT, PolicyMapLayout.RULES_MAP, e[0], e[2]));
        }
        List<byte[][]> endpoints = new ArrayList<>();
        for (byte[][] e : c.endpoints().entries()) {
            endpoints.add(new byte[][] {e[0], loosened(ops, e[0], e[1], e[2]), e[2]});
        }
        rewriteIpcache(ops, c.ipcache(), c.longestNewParent());
        for (byte[][] e : endpoints) {
            if (e[2] != null && !Arrays.equals(e[1], e[2])) ops.add(new Op(Kind.PUT, PolicyMapLayout.ENDPOINTS_MAP, e[0], e[2]));
        }
        for (byte[][] e : endpoints) {
            if (e[2] == null) ops.add(new Op(Kind.DELETE, PolicyMapLayout.ENDPOINTS_MAP, e[0], new byte[0]));
        }
        c.ipcache().forEach((k, pair) -> {
            if (pair[1] == null) ops.add(new Op(Kind.DELETE, PolicyMapLayout.IPCACHE_MAP, pair[0].key(), new byte[0]));
        });
        for (byte[][] e : c.rules().entries()) {
            if (e[2] == null) ops.add(new Op(Kind.DELETE, PolicyMapLayout.RULES_MAP, e[0], new byte[0]));
        }
        return ops;
    }

    /**
     * An endpoint keeping its key but losing an isolation flag loses it first (the looser of both states); returns
     * the value held after that.
     */
    private static byte[] loosened(List<Op> ops, byte[] key, byte[] before, byte[] after) {
        if (before == null || after == null) {
            return before;
        }
        ByteBuffer o = ByteBuffer.wrap(before).order(ByteOrder.nativeOrder());
        ByteBuffer n = ByteBuffer.wrap(after).order(ByteOrder.nativeOrder());
        int flags = o.getInt(8) & n.getInt(8);
        if (flags == o.getInt(8)) {
            return before;
        }
        byte[] value = after.clone();
        ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).putInt(8, flags);
        ops.add(new Op(Kind.PUT, PolicyMapLayout.ENDPOINTS_MAP, key, value));
        return value;
    }

    private static void rewriteIpcache(List<Op> ops, Map<Cidr, IpcacheEntry[]> changes,
                                       Function<Cidr, IpcacheEntry> longestNewParent) {
        List<Cidr> keys = new ArrayList<>(changes.keySet());
        keys.sort(Comparator.comparingInt(Cidr::prefixLength).reversed());
        for (Cidr k : keys) {
            IpcacheEntry[] pair = changes.get(k);
            IpcacheEntry target = pair[1];
            if (target == null) {
                IpcacheEntry parent = longestNewParent.apply(k);
                target = parent == null ? new IpcacheEntry(k, Identities.WORLD, 0)
                        : new IpcacheEntry(k, parent.identity(), parent.cidrIdentity());
            }
            if (pair[0] == null || !Arrays.equals(pair[0].value(), target.value())) {
                ops.add(new Op(Kind.PUT, PolicyMapLayout.IPCACHE_MAP, target.key(), target.value()));
            }
        }
    }

    private static <T> void diff(MapChanges out, List<T> before, List<T> after, Function<T, byte[][]> kv) {
        for (T e : before) {
            byte[][] pair = kv.apply(e);
            out.change(pair[0], pair[1], null);
        }
        for (T e : after) {
            byte[][] pair = kv.apply(e);
            out.change(pair[0], null, pair[1]);
        }
    }
}
