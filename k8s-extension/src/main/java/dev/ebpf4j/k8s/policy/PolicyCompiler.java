package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.IpBlock;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.IdentityAllocator.LabelSet;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.EndpointEntry;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.IpcacheEntry;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.PolicyEntry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a {@link ClusterState} into the policy maps of one node.
 *
 * <ul>
 *   <li>Every pod address gets a /32 ipcache entry with its label identity; the local node's addresses get
 *       {@link Identities#HOST}; every ipBlock cidr and except prefix gets an entry with {@link Identities#WORLD}.
 *       Each entry also carries a CIDR identity: the set of ipBlocks matching addresses whose longest ipcache match
 *       it is. For a prefix P that set is the blocks whose cidr contains P and none of whose excepts contains P,
 *       which is exact because no other ipcache prefix lies between an address and P. Pod addresses add their label
 *       identity to the set's key, so egress named ports can resolve on them.</li>
 *   <li>Local pods become endpoints with isolation flags per direction.</li>
 *   <li>An address two pods claim (never so in a consistent cluster, but a source may briefly or wrongly say so)
 *       belongs to the first of them by namespace/name, as {@link ClusterState#podByIp} says; the other's claim is
 *       ignored, so the maps and the {@link PolicyEvaluator} agree.</li>
 *   <li>Each rule of each policy isolating an endpoint becomes allow entries per peer identity (or ANY),
 *       protocol and port block; ranges are split by {@link PortPrefixes}; named ports resolve on the endpoint
 *       (ingress) or on the peer identity's pods (egress).</li>
 * </ul>
 *
 * IPv4 and IPv6 are compiled alike (IPv4 as IPv4-mapped IPv6, see {@link PolicyMapLayout}). Identities and
 * endpoint numbers stay stable across calls on the same compiler. Not thread-safe.
 */
public final class PolicyCompiler {

    private final IdentityAllocator identities;
    private final Map<String, Integer> endpointIds = new HashMap<>();

    /** A compiler with its own identity allocator. */
    public PolicyCompiler() {
        this(new IdentityAllocator());
    }

    /**
     * @param identities the allocator to share (for example with other nodes' compilers)
     */
    public PolicyCompiler(IdentityAllocator identities) {
        this.identities = identities;
    }

    /** @return the identity allocator */
    public IdentityAllocator identities() {
        return identities;
    }

    record Target(int identity, Pod portOwner, boolean namedOnly) {
    }

    private record CidrInfo(Set<IpBlock> blocks, Integer labelIdentity) {
    }

    /**
     * @param state the cluster
     * @param node the node whose maps to build
     * @return the map contents
     */
    public CompiledPolicy compile(ClusterState state, String node) {
        PolicyEvaluator evaluator = new PolicyEvaluator(state);
        Map<Pod, Integer> podIdentity = new LinkedHashMap<>();
        Map<Integer, Pod> representatives = new TreeMap<>();
        for (Pod pod : state.pods()) {
            LabelSet set = new LabelSet(pod.namespace(), pod.labels(), state.namespace(pod.namespace()).labels(),
                    pod.ports());
            int id = identities.labelIdentity(set);
            podIdentity.put(pod, id);
            representatives.putIfAbsent(id, set.representative());
        }
        Map<InetAddress, Pod> owners = new HashMap<>();
        for (Pod pod : state.pods()) {
            pod.ips().forEach(ip -> owners.putIfAbsent(ip, pod));
        }
        List<IpBlock> blocks = ipv4Blocks(state);
        Map<Integer, CidrInfo> cidrInfo = new HashMap<>();
        Map<Cidr, IpcacheEntry> ipcache = new LinkedHashMap<>();
        List<Cidr> prefixes = new ArrayList<>();
        // The IPv4 root keeps IPv4 addresses from falling through to an IPv6 prefix covering ::ffff:0:0/96.
        prefixes.add(PolicyMapLayout.IPV4_ROOT);
        blocks.forEach(b -> prefixes.addAll(prefixes(b)));
        {
            for (Cidr p : prefixes) {
                Set<IpBlock> matching = new LinkedHashSet<>();
                for (IpBlock other : blocks) {
                    if (other.cidr().contains(p) && other.except().stream().noneMatch(e -> e.contains(p))) {
                        matching.add(other);
                    }
                }
                ipcache.put(p, new IpcacheEntry(p, Identities.WORLD, cidrIdentity(matching, null, blocks, cidrInfo)));
            }
        }
        for (var e : podIdentity.entrySet()) {
            for (InetAddress ip : e.getKey().ips()) {
                if (!owners.get(ip).equals(e.getKey())) continue;
                Cidr host = Cidr.host(ip);
                ipcache.put(host, new IpcacheEntry(host, e.getValue(),
                        cidrIdentity(matching(blocks, ip), e.getValue(), blocks, cidrInfo)));
            }
        }
        for (InetAddress ip : state.nodeAddresses().getOrDefault(node, List.of())) {
            Cidr host = Cidr.host(ip);
            ipcache.put(host, new IpcacheEntry(host, Identities.HOST,
                    cidrIdentity(matching(blocks, ip), null, blocks, cidrInfo)));
        }

        // Only identities some entry still carries are targets (a pod or node address may have replaced a prefix).
        Set<Integer> carried = new java.util.HashSet<>();
        ipcache.values().forEach(e -> carried.add(e.cidrIdentity()));
        cidrInfo.keySet().retainAll(carried);

        List<EndpointEntry> endpoints = new ArrayList<>();
        Map<String, Integer> ruleIds = new LinkedHashMap<>();
        List<Verdict.RuleRef> ruleTable = new ArrayList<>();
        Map<String, PolicyEntry> entries = new LinkedHashMap<>();
        List<Pod> local = state.pods().stream().filter(p -> p.node().equals(node))
                .sorted(Comparator.comparing(Pod::key)).toList();
        for (Pod pod : local) {
            List<InetAddress> owned = pod.ips().stream().filter(ip -> owners.get(ip).equals(pod)).toList();
            if (owned.isEmpty()) {
                continue;
            }
            int endpoint = endpointIds.computeIfAbsent(pod.key(), k -> endpointIds.size() + 1);
            List<NetworkPolicy> ingress = evaluator.isolatingPolicies(pod, PolicyType.INGRESS);
            List<NetworkPolicy> egress = evaluator.isolatingPolicies(pod, PolicyType.EGRESS);
            for (InetAddress addr : owned) {
                endpoints.add(new EndpointEntry(addr, endpoint, podIdentity.get(pod), !ingress.isEmpty(),
                        !egress.isEmpty()));
            }
            for (PolicyType direction : PolicyType.values()) {
                for (NetworkPolicy policy : direction == PolicyType.INGRESS ? ingress : egress) {
                    List<NetworkPolicyRule> rules = policy.rules(direction);
                    for (int i = 0; i < rules.size(); i++) {
                        Verdict.RuleRef ref = new Verdict.RuleRef(policy.key(), direction, i);
                        int ruleId = ruleIds.computeIfAbsent(ref.toString(), k -> {
                            ruleTable.add(ref);
                            return ruleTable.size() - 1;
                        });
                        List<Target> targets = targets(evaluator, policy, rules.get(i), direction, representatives,
                                cidrInfo);
                        emit(entries, endpoint, pod, direction, rules.get(i), targets, ruleId, ruleTable);
                    }
                }
            }
        }
        return new CompiledPolicy(node, endpoints, List.copyOf(ipcache.values()), List.copyOf(entries.values()),
                ruleTable);
    }

    private static List<Target> targets(PolicyEvaluator evaluator, NetworkPolicy policy, NetworkPolicyRule rule,
                                        PolicyType direction, Map<Integer, Pod> representatives,
                                        Map<Integer, CidrInfo> cidrInfo) {
        List<Target> targets = new ArrayList<>();
        if (rule.peers().isEmpty()) {
            targets.add(new Target(Identities.ANY, null, false));
            if (direction == PolicyType.EGRESS && rule.ports().stream().anyMatch(NetworkPolicyPort::isNamed)) {
                representatives.forEach((id, rep) -> targets.add(new Target(id, rep, true)));
            }
            return targets;
        }
        for (NetworkPolicyPeer peer : rule.peers()) {
            if (peer.selectsPods()) {
                representatives.forEach((id, rep) -> {
                    if (evaluator.peerMatches(policy, peer, null, rep)) {
                        targets.add(new Target(id, rep, false));
                    }
                });
            } else {
                cidrInfo.forEach((id, info) -> {
                    if (info.blocks().contains(peer.ipBlock())) {
                        Pod owner = info.labelIdentity() == null ? null : representatives.get(info.labelIdentity());
                        targets.add(new Target(id, owner, false));
                    }
                });
            }
        }
        return targets;
    }

    static void emit(Map<String, PolicyEntry> entries, int endpoint, Pod pod, PolicyType direction,
                             NetworkPolicyRule rule, List<Target> targets, int ruleId, List<Verdict.RuleRef> ruleTable) {
        int dir = PolicyMapLayout.direction(direction);
        for (Target t : targets) {
            if (rule.ports().isEmpty()) {
                put(entries, new PolicyEntry(endpoint, t.identity(), dir, PolicyMapLayout.PROTO_ANY, 0,
                        PolicyMapLayout.PREFIX_ANY_PROTOCOL, ruleId), ruleTable);
                continue;
            }
            for (NetworkPolicyPort p : rule.ports()) {
                int proto = p.protocol().number();
                if (p.isNamed()) {
                    Pod owner = direction == PolicyType.INGRESS ? pod : t.portOwner();
                    if (owner == null || (direction == PolicyType.EGRESS && t.identity() == Identities.ANY)) {
                        continue;
                    }
                    owner.resolvePort(p.portName(), p.protocol()).ifPresent(port -> put(entries, new PolicyEntry(
                            endpoint, t.identity(), dir, proto, port, PolicyMapLayout.PREFIX_FULL, ruleId), ruleTable));
                } else if (t.namedOnly()) {
                    continue;
                } else if (p.port() == 0) {
                    put(entries, new PolicyEntry(endpoint, t.identity(), dir, proto, 0, PolicyMapLayout.PREFIX_ANY_PORT,
                            ruleId), ruleTable);
                } else {
                    for (PortPrefixes.PortPrefix block : PortPrefixes.of(p.port(), p.lastPort())) {
                        put(entries, new PolicyEntry(endpoint, t.identity(), dir, proto, block.port(),
                                PolicyMapLayout.PREFIX_ANY_PORT + block.prefixLength(), ruleId), ruleTable);
                    }
                }
            }
        }
    }

    /** Of rules allowing the same key, the first by {@link #RULE_ORDER} names it, whatever order they came in. */
    private static void put(Map<String, PolicyEntry> entries, PolicyEntry e, List<Verdict.RuleRef> rules) {
        entries.merge(HexFormat.of().formatHex(e.key()), e,
                (held, next) -> RULE_ORDER.compare(rules.get(next.ruleId()), rules.get(held.ruleId())) < 0 ? next : held);
    }

    /** The order in which rules name a shared allow entry: policy namespace/name, direction, rule index. */
    static final Comparator<Verdict.RuleRef> RULE_ORDER = Comparator.comparing(Verdict.RuleRef::policy)
            .thenComparing(Verdict.RuleRef::direction).thenComparingInt(Verdict.RuleRef::index);

    /**
     * @param matching a non-empty set of ipBlocks
     * @param labelIdentity the label identity of a pod address, or null
     * @return the canonical description of a CIDR identity (independent of the order policies list blocks)
     */
    static String cidrKey(Set<IpBlock> matching, Integer labelIdentity) {
        StringBuilder key = new StringBuilder();
        matching.stream().map(IpBlock::toString).sorted().forEach(b -> key.append(b).append(';'));
        return key.append('|').append(labelIdentity == null ? "-" : labelIdentity).toString();
    }

    private int cidrIdentity(Set<IpBlock> matching, Integer labelIdentity, List<IpBlock> blocks,
                             Map<Integer, CidrInfo> cidrInfo) {
        if (matching.isEmpty()) {
            return 0;
        }
        int id = identities.cidrIdentity(cidrKey(matching, labelIdentity));
        cidrInfo.put(id, new CidrInfo(matching, labelIdentity));
        return id;
    }

    private static Set<IpBlock> matching(List<IpBlock> blocks, InetAddress ip) {
        Set<IpBlock> out = new LinkedHashSet<>();
        for (IpBlock b : blocks) {
            if (b.matches(ip)) {
                out.add(b);
            }
        }
        return out;
    }

    private static List<Cidr> prefixes(IpBlock block) {
        List<Cidr> out = new ArrayList<>();
        out.add(block.cidr());
        out.addAll(block.except());
        return out;
    }

    private static List<IpBlock> ipv4Blocks(ClusterState state) {
        Set<IpBlock> out = new LinkedHashSet<>();
        for (NetworkPolicy p : state.policies()) {
            for (PolicyType t : PolicyType.values()) {
                for (NetworkPolicyRule r : p.rules(t)) {
                    for (NetworkPolicyPeer peer : r.peers()) {
                        if (!peer.selectsPods()) {
                            out.add(peer.ipBlock());
                        }
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }
}
