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
     * @param from the current contents, or null for empty maps
     * @param to the desired contents
     * @return the writes, ordered as described above
     */
    public static List<Op> plan(CompiledPolicy from, CompiledPolicy to) {
        CompiledPolicy old = from != null ? from : new CompiledPolicy(to.node(), List.of(), List.of(), List.of(), List.of());
        Map<String, byte[][]> oldRules = index(old.policy(), e -> new byte[][] {e.key(), e.value()});
        Map<String, byte[][]> newRules = index(to.policy(), e -> new byte[][] {e.key(), e.value()});
        Map<String, byte[][]> oldIpc = index(old.ipcache(), e -> new byte[][] {e.key(), e.value()});
        Map<String, byte[][]> newIpc = index(to.ipcache(), e -> new byte[][] {e.key(), e.value()});
        Map<String, byte[][]> oldEp = index(old.endpoints(), e -> new byte[][] {e.key(), e.value()});
        Map<String, byte[][]> newEp = index(to.endpoints(), e -> new byte[][] {e.key(), e.value()});
        List<Op> ops = new ArrayList<>();
        puts(ops, PolicyMapLayout.RULES_MAP, oldRules, newRules);
        Map<String, byte[][]> loosened = loosen(ops, oldEp, newEp);
        rewriteIpcache(ops, old.ipcache(), to.ipcache());
        puts(ops, PolicyMapLayout.ENDPOINTS_MAP, loosened, newEp);
        deletes(ops, PolicyMapLayout.ENDPOINTS_MAP, oldEp, newEp);
        deletes(ops, PolicyMapLayout.IPCACHE_MAP, oldIpc, newIpc);
        deletes(ops, PolicyMapLayout.RULES_MAP, oldRules, newRules);
        return ops;
    }

    private static void rewriteIpcache(List<Op> ops, List<IpcacheEntry> old, List<IpcacheEntry> now) {
        Map<Cidr, IpcacheEntry> before = new LinkedHashMap<>();
        old.forEach(e -> before.put(e.prefix(), e));
        Map<Cidr, IpcacheEntry> after = new LinkedHashMap<>();
        now.forEach(e -> after.put(e.prefix(), e));
        List<Cidr> keys = new ArrayList<>(before.keySet());
        after.keySet().stream().filter(k -> !before.containsKey(k)).forEach(keys::add);
        keys.sort(Comparator.comparingInt(Cidr::prefixLength).reversed());
        for (Cidr k : keys) {
            IpcacheEntry target = after.get(k);
            if (target == null) {
                IpcacheEntry parent = null;
                for (IpcacheEntry e : now) {
                    if (e.prefix().contains(k) && (parent == null || e.prefix().prefixLength() > parent.prefix().prefixLength())) {
                        parent = e;
                    }
                }
                target = parent == null ? new IpcacheEntry(k, Identities.WORLD, 0)
                        : new IpcacheEntry(k, parent.identity(), parent.cidrIdentity());
            }
            IpcacheEntry current = before.get(k);
            if (current == null || !Arrays.equals(current.value(), target.value())) {
                ops.add(new Op(Kind.PUT, PolicyMapLayout.IPCACHE_MAP, target.key(), target.value()));
            }
        }
    }

    /** Emits endpoint writes that only clear flags; returns the endpoint map as it stands afterwards. */
    private static Map<String, byte[][]> loosen(List<Op> ops, Map<String, byte[][]> old, Map<String, byte[][]> now) {
        Map<String, byte[][]> after = new LinkedHashMap<>(old);
        now.forEach((k, kv) -> {
            byte[][] before = old.get(k);
            if (before == null) {
                return;
            }
            ByteBuffer o = ByteBuffer.wrap(before[1]).order(ByteOrder.nativeOrder());
            ByteBuffer n = ByteBuffer.wrap(kv[1]).order(ByteOrder.nativeOrder());
            int flags = o.getInt(8) & n.getInt(8);
            if (flags != o.getInt(8)) {
                byte[] value = kv[1].clone();
                ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).putInt(8, flags);
                ops.add(new Op(Kind.PUT, PolicyMapLayout.ENDPOINTS_MAP, kv[0], value));
                after.put(k, new byte[][] {kv[0], value});
            }
        });
        return after;
    }

    private static <T> Map<String, byte[][]> index(List<T> entries, Function<T, byte[][]> kv) {
        Map<String, byte[][]> out = new LinkedHashMap<>();
        for (T e : entries) {
            byte[][] pair = kv.apply(e);
            out.put(HexFormat.of().formatHex(pair[0]), pair);
        }
        return out;
    }

    private static void puts(List<Op> ops, String map, Map<String, byte[][]> old, Map<String, byte[][]> now) {
        now.forEach((k, kv) -> {
            byte[][] before = old.get(k);
            if (before == null || !Arrays.equals(before[1], kv[1])) {
                ops.add(new Op(Kind.PUT, map, kv[0], kv[1]));
            }
        });
    }

    private static void deletes(List<Op> ops, String map, Map<String, byte[][]> old, Map<String, byte[][]> now) {
        old.forEach((k, kv) -> {
            if (!now.containsKey(k)) {
                ops.add(new Op(Kind.DELETE, map, kv[0], new byte[0]));
            }
        });
    }
}
