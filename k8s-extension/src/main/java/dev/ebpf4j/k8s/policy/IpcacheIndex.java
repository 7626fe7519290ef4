package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.IpBlock;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.IpcacheEntry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ipcache half of {@link IncrementalPolicyCompiler}: which prefixes exist (ipBlock cidrs and excepts, pod and
 * node addresses), the entry each gets by the rules of {@link PolicyCompiler}, and the CIDR identities those entries
 * use. Inputs mark prefixes dirty; {@link #recompute} brings exactly those up to date, so the cost of a change is
 * the number of prefixes it can affect: a pod's addresses, or for an ipBlock appearing or vanishing the prefixes
 * inside its cidr (found by a range query over the address-ordered entries). Not thread-safe.
 */
final class IpcacheIndex {

    /** What a CIDR identity stands for: the ipBlocks its addresses match, and the label identity of a pod address. */
    record CidrInfo(Set<IpBlock> blocks, Integer labelIdentity) {
    }

    /**
     * A prefix in address order (IPv4 as IPv4-mapped IPv6), then by length: the prefixes inside a cidr are one range.
     * Two longs, so comparing allocates nothing.
     */
    private record Position(long high, long low, int length) implements Comparable<Position> {
        static Position of(Cidr c) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(PolicyMapLayout.mapped(c.network()));
            return new Position(b.getLong(), b.getLong(), mappedLength(c));
        }

        @Override
        public int compareTo(Position o) {
            int h = Long.compareUnsigned(high, o.high);
            if (h != 0) return h;
            int l = Long.compareUnsigned(low, o.low);
            return l != 0 ? l : Integer.compare(length, o.length);
        }
    }

    private final IdentityAllocator identities;
    private final Map<IpBlock, Integer> blockRefs = new HashMap<>();
    private final Map<Cidr, List<IpBlock>> blocksByCidr = new HashMap<>();
    private final TreeMap<Integer, Integer> cidrLengths4 = new TreeMap<>();
    private final TreeMap<Integer, Integer> cidrLengths6 = new TreeMap<>();
    private final Map<Cidr, Integer> blockPrefixes = new HashMap<>();
    private final Map<InetAddress, TreeMap<String, Integer>> claimants = new HashMap<>();
    private final Set<InetAddress> nodeAddresses = new HashSet<>();
    private final Map<Cidr, IpcacheEntry> entries = new HashMap<>();
    private final TreeMap<Position, Cidr> ordered = new TreeMap<>();
    private final Map<Integer, Integer> cidrRefs = new HashMap<>();
    private final Map<Integer, CidrInfo> cidrInfo = new HashMap<>();
    private final Set<Cidr> dirty = new LinkedHashSet<>();
    private final Set<Integer> appeared = new LinkedHashSet<>();
    private final Map<Integer, CidrInfo> vanished = new LinkedHashMap<>();

    IpcacheIndex(IdentityAllocator identities) {
        this.identities = identities;
        dirty.add(PolicyMapLayout.IPV4_ROOT);
    }

    /** Counts one more reference to {@code block} (one per rule peer naming it). */
    void addBlock(IpBlock block) {
        if (blockRefs.merge(block, 1, Integer::sum) == 1) {
            blocksByCidr.computeIfAbsent(block.cidr(), k -> new ArrayList<>()).add(block);
            lengths(block.cidr()).merge(block.cidr().prefixLength(), 1, Integer::sum);
            prefixesOf(block).forEach(p -> blockPrefixes.merge(p, 1, Integer::sum));
            touchInside(block);
        }
    }

    /** Drops one reference to {@code block}. */
    void removeBlock(IpBlock block) {
        Integer left = blockRefs.merge(block, -1, Integer::sum);
        if (left != null && left == 0) {
            blockRefs.remove(block);
            List<IpBlock> same = blocksByCidr.get(block.cidr());
            same.remove(block);
            if (same.isEmpty()) blocksByCidr.remove(block.cidr());
            lengths(block.cidr()).computeIfPresent(block.cidr().prefixLength(), (k, n) -> n == 1 ? null : n - 1);
            prefixesOf(block).forEach(p -> blockPrefixes.computeIfPresent(p, (k, n) -> n == 1 ? null : n - 1));
            touchInside(block);
        }
    }

    private TreeMap<Integer, Integer> lengths(Cidr c) {
        return c.isIpv4() ? cidrLengths4 : cidrLengths6;
    }

    /** Every prefix whose matching blocks {@code block} may change: its own and those held inside its cidr. */
    private void touchInside(IpBlock block) {
        dirty.addAll(prefixesOf(block));
        Cidr c = block.cidr();
        Cidr last = Cidr.host(lastAddress(c));
        dirty.addAll(ordered.subMap(Position.of(c), true, Position.of(last), true).values());
    }

    /**
     * @param ip an address the pod {@code podKey} claims
     * @param podKey the pod
     * @param labelIdentity the pod's label identity
     */
    void claim(InetAddress ip, String podKey, int labelIdentity) {
        claimants.computeIfAbsent(ip, k -> new TreeMap<>()).put(podKey, labelIdentity);
        dirty.add(Cidr.host(ip));
    }

    /** Withdraws a claim made by {@link #claim}. */
    void release(InetAddress ip, String podKey) {
        TreeMap<String, Integer> c = claimants.get(ip);
        if (c != null && c.remove(podKey) != null) {
            if (c.isEmpty()) claimants.remove(ip);
            dirty.add(Cidr.host(ip));
        }
    }

    /** @return the pod owning {@code ip}: of its claimants, the first by namespace/name, as in {@link ClusterState} */
    String owner(InetAddress ip) {
        TreeMap<String, Integer> c = claimants.get(ip);
        return c == null ? null : c.firstKey();
    }

    /** Replaces the local node's own addresses. */
    void nodeAddresses(Collection<InetAddress> addresses) {
        Set<InetAddress> next = new HashSet<>(addresses);
        for (InetAddress a : nodeAddresses) if (!next.contains(a)) dirty.add(Cidr.host(a));
        for (InetAddress a : next) if (!nodeAddresses.contains(a)) dirty.add(Cidr.host(a));
        nodeAddresses.clear();
        nodeAddresses.addAll(next);
    }

    /**
     * Brings every dirty prefix up to date.
     *
     * @param changes receives, per changed prefix, the entry held before (the first before, over several calls)
     *     and the one now wanted; either may be null
     */
    void recompute(Map<Cidr, IpcacheEntry[]> changes) {
        for (Cidr p : dirty) {
            IpcacheEntry before = entries.get(p);
            IpcacheEntry after = entry(p);
            if (before != null && after != null && before.equals(after)) continue;
            if (after == null) {
                entries.remove(p);
                ordered.remove(Position.of(p));
            } else if (entries.put(p, after) == null) {
                ordered.put(Position.of(p), p);
            }
            ref(after == null ? 0 : after.cidrIdentity()); // first: an identity both use must not vanish between
            unref(before == null ? 0 : before.cidrIdentity());
            IpcacheEntry[] pair = changes.computeIfAbsent(p, k -> new IpcacheEntry[] {before, null});
            pair[1] = after;
            if (pair[0] != null && pair[1] != null && Arrays.equals(pair[0].value(), pair[1].value())) changes.remove(p);
        }
        dirty.clear();
    }

    private IpcacheEntry entry(Cidr p) {
        boolean host = p.prefixLength() == p.network().getAddress().length * 8;
        if (host && nodeAddresses.contains(p.network())) {
            return new IpcacheEntry(p, Identities.HOST, cidrIdentity(matching(p), null));
        }
        TreeMap<String, Integer> claims = host ? claimants.get(p.network()) : null;
        if (claims != null) {
            int label = claims.firstEntry().getValue();
            return new IpcacheEntry(p, label, cidrIdentity(matching(p), label));
        }
        if (blockPrefixes.containsKey(p) || p.equals(PolicyMapLayout.IPV4_ROOT)) {
            return new IpcacheEntry(p, Identities.WORLD, cidrIdentity(matching(p), null));
        }
        return null;
    }

    /** The blocks matching every address of {@code p}: their cidr holds it, none of their excepts does. */
    private Set<IpBlock> matching(Cidr p) {
        Set<IpBlock> out = new LinkedHashSet<>();
        // Only the prefix lengths some block's cidr has can hold one: a handful, not 33 or 129.
        for (int len : (p.isIpv4() ? cidrLengths4 : cidrLengths6).descendingKeySet()) {
            if (len > p.prefixLength()) continue;
            List<IpBlock> blocks = blocksByCidr.get(len == p.prefixLength() ? p : new Cidr(p.network(), len));
            if (blocks == null) continue;
            for (IpBlock b : blocks) {
                if (b.except().stream().noneMatch(e -> e.contains(p))) out.add(b);
            }
        }
        return out;
    }

    private int cidrIdentity(Set<IpBlock> matching, Integer labelIdentity) {
        if (matching.isEmpty()) return 0;
        int id = identities.cidrIdentity(PolicyCompiler.cidrKey(matching, labelIdentity));
        cidrInfo.putIfAbsent(id, new CidrInfo(Set.copyOf(matching), labelIdentity));
        return id;
    }

    private void ref(int id) {
        if (id != 0 && cidrRefs.merge(id, 1, Integer::sum) == 1 && vanished.remove(id) == null) appeared.add(id);
    }

    private void unref(int id) {
        if (id == 0) return;
        if (cidrRefs.merge(id, -1, Integer::sum) == 0) {
            cidrRefs.remove(id);
            CidrInfo info = cidrInfo.remove(id);
            if (!appeared.remove(id)) vanished.put(id, info);
        }
    }

    /** @return the CIDR identities that gained their first entry since the last call (and still have one), cleared */
    Map<Integer, CidrInfo> drainAppeared() {
        Map<Integer, CidrInfo> out = new LinkedHashMap<>();
        appeared.forEach(id -> out.put(id, cidrInfo.get(id)));
        appeared.clear();
        return out;
    }

    /** @return the CIDR identities that lost their last entry since the last call, with what they stood for, cleared */
    Map<Integer, CidrInfo> drainVanished() {
        Map<Integer, CidrInfo> out = new LinkedHashMap<>(vanished);
        vanished.clear();
        return out;
    }

    /** @return the live CIDR identities and what they stand for */
    Map<Integer, CidrInfo> cidrIdentities() {
        return cidrInfo;
    }

    /** @return the longest held prefix strictly containing {@code k}, or null */
    IpcacheEntry longestParent(Cidr k) {
        for (int len = k.prefixLength() - 1; len >= 0; len--) {
            IpcacheEntry e = entries.get(new Cidr(k.network(), len));
            if (e != null) return e;
        }
        return null;
    }

    /** @return the entries held */
    Collection<IpcacheEntry> entries() {
        return entries.values();
    }

    private static List<Cidr> prefixesOf(IpBlock block) {
        List<Cidr> out = new ArrayList<>(block.except().size() + 1);
        out.add(block.cidr());
        out.addAll(block.except());
        return out;
    }

    private static int mappedLength(Cidr c) {
        return c.isIpv4() ? 96 + c.prefixLength() : c.prefixLength();
    }

    private static InetAddress lastAddress(Cidr c) {
        byte[] b = c.network().getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, c.prefixLength() - i * 8));
            b[i] = (byte) (b[i] | (0xff >>> keep));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
