package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.IpBlock;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.IdentityAllocator.LabelSet;
import dev.ebpf4j.k8s.policy.IpcacheIndex.CidrInfo;
import dev.ebpf4j.k8s.policy.PolicyCompiler.Target;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.EndpointEntry;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.IpcacheEntry;
import dev.ebpf4j.k8s.policy.PolicyMapLayout.PolicyEntry;
import dev.ebpf4j.k8s.policy.PolicyMapUpdate.Changes;
import dev.ebpf4j.k8s.policy.PolicyMapUpdate.MapChanges;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles a stream of {@link ClusterState}s into one node's policy map changes, recomputing only what each change
 * can affect, with the same contents as {@link PolicyCompiler} (the reference, proven equal by random churn in the
 * tests). The unit of work:
 *
 * <ul>
 *   <li>a pod: its identity's reference count, the ipcache entries of its addresses, and its endpoint when it is
 *       local;</li>
 *   <li>a label identity appearing or vanishing: the rule entries of local endpoints whose policies' peers select
 *       it (rule targets are cached per policy that isolates a local endpoint, so policies elsewhere cost
 *       nothing);</li>
 *   <li>a policy: its ipBlocks (the ipcache prefixes inside them) and the local endpoints of its namespace;</li>
 *   <li>a namespace's labels: its pods (their identities include the namespace labels).</li>
 * </ul>
 *
 * Inputs are diffed by reference first ({@link ClusterState} keeps objects sorted, sources keep unchanged objects
 * identical), so a state of 10,000 pods with one changed costs a walk of references plus the work above. Not
 * thread-safe.
 */
final class IncrementalPolicyCompiler {

    /** One local endpoint's entries. */
    private record Endpoint(List<EndpointEntry> entries, Map<String, PolicyEntry> rules, Set<String> policies) {
    }

    /** Per rule of a cached policy (ingress rules, then egress): the label identities it targets. */
    private record PolicyTargets(List<Set<Integer>> ingress, List<Set<Integer>> egress) {
        Set<Integer> of(PolicyType direction, int index) {
            return (direction == PolicyType.INGRESS ? ingress : egress).get(index);
        }
    }

    private final String node;
    private final IdentityAllocator identities;
    private final IpcacheIndex ipcache;
    private final Map<String, Integer> endpointIds = new HashMap<>();
    private final Map<String, Integer> ruleIds = new HashMap<>();
    private final List<Verdict.RuleRef> ruleTable = new ArrayList<>();

    private List<Pod> podList = List.of();
    private List<NetworkPolicy> policyList = List.of();
    private final Map<String, Namespace> namespaces = new HashMap<>();
    private final Map<String, Pod> pods = new HashMap<>();
    private final Map<String, Set<String>> podsByNamespace = new HashMap<>();
    private final Map<String, NetworkPolicy> policies = new HashMap<>();
    private final Map<String, TreeSet<String>> policiesByNamespace = new HashMap<>();
    private final Map<IpBlock, Set<String>> policiesByBlock = new HashMap<>();
    private final Map<String, Integer> podIdentity = new HashMap<>();
    private final Map<Integer, Integer> identityRefs = new HashMap<>();
    private final Map<Integer, LabelSet> labelSets = new HashMap<>();
    private final Map<Integer, Pod> representatives = new HashMap<>();
    private final Map<IpBlock, Set<Integer>> blockCidrs = new HashMap<>();
    private final Map<String, PolicyTargets> targets = new HashMap<>();
    private final Map<String, Set<String>> endpointsOfPolicy = new HashMap<>();
    private final Map<String, Endpoint> endpoints = new HashMap<>();

    private final Set<String> dirty = new LinkedHashSet<>();
    private final Map<Integer, LabelSet> appeared = new LinkedHashMap<>();
    private final Set<Integer> vanished = new LinkedHashSet<>();

    IncrementalPolicyCompiler(String node, IdentityAllocator identities) {
        this.node = Objects.requireNonNull(node, "node");
        this.identities = Objects.requireNonNull(identities, "identities");
        this.ipcache = new IpcacheIndex(identities);
    }

    /**
     * @param next the new state
     * @return the map changes from the previous state's contents (the first call: from empty maps) to next's
     */
    Changes update(ClusterState next) {
        MapChanges rules = new MapChanges();
        MapChanges endpointChanges = new MapChanges();
        Map<dev.ebpf4j.k8s.model.Cidr, IpcacheEntry[]> ipcacheChanges = new LinkedHashMap<>();
        Map<String, Namespace> nextNamespaces = new HashMap<>();
        next.namespaces().forEach(n -> nextNamespaces.put(n.name(), n));
        Set<String> relabelled = new HashSet<>();
        for (String name : union(namespaces.keySet(), nextNamespaces.keySet())) {
            if (!Objects.equals(namespaces.get(name), nextNamespaces.get(name))) relabelled.add(name);
        }
        namespaces.clear();
        namespaces.putAll(nextNamespaces);

        walk(policyList, next.policies(), ObjectKeys.POLICIES, this::policyChanged);
        policyList = next.policies();
        walk(podList, next.pods(), ObjectKeys.PODS, this::podChanged);
        podList = next.pods();
        for (String ns : relabelled) {
            for (String key : List.copyOf(podsByNamespace.getOrDefault(ns, Set.of()))) {
                Pod p = pods.get(key);
                podChanged(p, p);
            }
        }
        ipcache.nodeAddresses(next.nodeAddresses().getOrDefault(node, List.of()));

        ipcache.recompute(ipcacheChanges);
        identityEvents();
        cidrEvents();
        for (String key : dirty) recomputeEndpoint(key, endpointChanges, rules);
        dirty.clear();
        return new Changes(rules, endpointChanges, ipcacheChanges, ipcache::longestParent);
    }

    /** @return the contents the maps hold after the last {@link #update} */
    CompiledPolicy current() {
        List<EndpointEntry> eps = new ArrayList<>();
        List<PolicyEntry> policy = new ArrayList<>();
        endpoints.values().forEach(e -> {
            eps.addAll(e.entries());
            policy.addAll(e.rules().values());
        });
        return new CompiledPolicy(node, eps, List.copyOf(ipcache.entries()), policy, ruleTable);
    }

    private interface Change<T> {
        void apply(T before, T after);
    }

    /** Merges two key-sorted lists, reporting objects that differ (by reference first, then by value). */
    private static <T> void walk(List<T> before, List<T> after, java.util.Comparator<T> order, Change<T> change) {
        int i = 0;
        int j = 0;
        while (i < before.size() || j < after.size()) {
            T b = i < before.size() ? before.get(i) : null;
            T a = j < after.size() ? after.get(j) : null;
            if (a == b) {
                i++;
                j++;
                continue;
            }
            int c = b == null ? 1 : a == null ? -1 : order.compare(b, a);
            if (c < 0) {
                change.apply(b, null);
                i++;
            } else if (c > 0) {
                change.apply(null, a);
                j++;
            } else {
                if (!b.equals(a)) change.apply(b, a);
                i++;
                j++;
            }
        }
    }

    private void policyChanged(NetworkPolicy before, NetworkPolicy after) {
        NetworkPolicy p = after != null ? after : before;
        if (before != null) {
            List<IpBlock> blocks = blocks(before);
            blocks.forEach(ipcache::removeBlock); // one reference per peer naming it
            for (IpBlock b : new HashSet<>(blocks)) {
                Set<String> users = policiesByBlock.get(b);
                users.remove(before.key());
                if (users.isEmpty()) policiesByBlock.remove(b);
            }
            policies.remove(before.key());
            policiesByNamespace.get(before.namespace()).remove(before.key());
        }
        if (after != null) {
            blocks(after).forEach(b -> {
                ipcache.addBlock(b);
                policiesByBlock.computeIfAbsent(b, k -> new HashSet<>()).add(after.key());
            });
            policies.put(after.key(), after);
            policiesByNamespace.computeIfAbsent(after.namespace(), k -> new TreeSet<>()).add(after.key());
        }
        PolicyTargets old = targets.remove(p.key());
        if (old != null && before != null && after != null) targets.put(p.key(), retarget(before, after, old));
        dirty.addAll(endpointsOfPolicy.getOrDefault(p.key(), Set.of()));
        for (String key : podsByNamespace.getOrDefault(p.namespace(), Set.of())) {
            if (isLocal(pods.get(key))) dirty.add(key);
        }
    }

    private void podChanged(Pod before, Pod after) {
        if (before != null) {
            unref(podIdentity.remove(before.key()));
            for (InetAddress ip : before.ips()) {
                markClaimants(ip);
                ipcache.release(ip, before.key());
                markClaimants(ip);
            }
            pods.remove(before.key());
            podsByNamespace.get(before.namespace()).remove(before.key());
            dirty.add(before.key());
        }
        if (after != null) {
            Namespace ns = namespaces.getOrDefault(after.namespace(), Namespace.of(after.namespace(), Map.of()));
            LabelSet set = new LabelSet(after.namespace(), after.labels(), ns.labels(), after.ports());
            int id = identities.labelIdentity(set);
            podIdentity.put(after.key(), id);
            ref(id, set);
            pods.put(after.key(), after);
            podsByNamespace.computeIfAbsent(after.namespace(), k -> new HashSet<>()).add(after.key());
            for (InetAddress ip : after.ips()) {
                markClaimants(ip);
                ipcache.claim(ip, after.key(), id);
                markClaimants(ip);
            }
            dirty.add(after.key());
        }
    }

    /** An address changing hands changes which local endpoints own it: called before and after a claim changes. */
    private void markClaimants(InetAddress ip) {
        String owner = ipcache.owner(ip);
        if (owner != null) dirty.add(owner);
    }

    private void ref(int id, LabelSet set) {
        if (identityRefs.merge(id, 1, Integer::sum) == 1) {
            labelSets.put(id, set);
            representatives.put(id, set.representative());
            if (!vanished.remove(id)) appeared.put(id, set);
        }
    }

    private void unref(Integer id) {
        if (id == null) return;
        if (identityRefs.merge(id, -1, Integer::sum) == 0) {
            identityRefs.remove(id);
            if (appeared.remove(id) == null) vanished.add(id);
        }
    }

    /** Label identities appearing or vanishing change the targets of the cached policies whose peers select them. */
    private void identityEvents() {
        for (int id : vanished) {
            labelSets.remove(id);
            representatives.remove(id);
            targets.forEach((policy, t) -> {
                boolean hit = false;
                for (Set<Integer> s : t.ingress()) hit |= s.remove(id);
                for (Set<Integer> s : t.egress()) hit |= s.remove(id);
                if (hit) dirty.addAll(endpointsOfPolicy.getOrDefault(policy, Set.of()));
            });
        }
        appeared.forEach((id, set) -> targets.forEach((policy, t) -> {
            NetworkPolicy p = policies.get(policy);
            boolean hit = false;
            for (PolicyType direction : PolicyType.values()) {
                List<NetworkPolicyRule> rules = p.rules(direction);
                for (int i = 0; i < rules.size(); i++) {
                    if (targets(p, direction, rules.get(i), set)) hit |= t.of(direction, i).add(id);
                }
            }
            if (hit) dirty.addAll(endpointsOfPolicy.getOrDefault(policy, Set.of()));
        }));
        vanished.clear();
        appeared.clear();
    }

    /** CIDR identities appearing or vanishing change the targets of rules naming their ipBlocks. */
    private void cidrEvents() {
        ipcache.drainVanished().forEach((id, info) -> info.blocks().forEach(b -> {
            Set<Integer> ids = blockCidrs.get(b);
            if (ids != null && ids.remove(id) && ids.isEmpty()) blockCidrs.remove(b);
            dirtyUsersOf(b);
        }));
        ipcache.drainAppeared().forEach((id, info) -> info.blocks().forEach(b -> {
            blockCidrs.computeIfAbsent(b, k -> new HashSet<>()).add(id);
            dirtyUsersOf(b);
        }));
    }

    private void dirtyUsersOf(IpBlock block) {
        for (String policy : policiesByBlock.getOrDefault(block, Set.of())) {
            dirty.addAll(endpointsOfPolicy.getOrDefault(policy, Set.of()));
        }
    }

    /** Whether a rule's label targets include the identity {@code set}, as {@link PolicyCompiler} decides. */
    private static boolean targets(NetworkPolicy policy, PolicyType direction, NetworkPolicyRule rule, LabelSet set) {
        if (rule.peers().isEmpty()) {
            return direction == PolicyType.EGRESS && rule.ports().stream().anyMatch(NetworkPolicyPort::isNamed);
        }
        for (NetworkPolicyPeer peer : rule.peers()) {
            if (!peer.selectsPods()) continue;
            boolean match = peer.namespaceSelector() == null
                    ? set.namespace().equals(policy.namespace()) && peer.podSelector().matches(set.podLabels())
                    : peer.namespaceSelector().matches(set.namespaceLabels())
                            && (peer.podSelector() == null || peer.podSelector().matches(set.podLabels()));
            if (match) return true;
        }
        return false;
    }

    private PolicyTargets targetsOf(NetworkPolicy p) {
        return targets.computeIfAbsent(p.key(), k -> {
            List<Set<Integer>> in = new ArrayList<>();
            List<Set<Integer>> out = new ArrayList<>();
            for (PolicyType direction : PolicyType.values()) {
                for (NetworkPolicyRule rule : p.rules(direction)) {
                    Set<Integer> ids = new HashSet<>();
                    labelSets.forEach((id, set) -> {
                        if (targets(p, direction, rule, set)) ids.add(id);
                    });
                    (direction == PolicyType.INGRESS ? in : out).add(ids);
                }
            }
            return new PolicyTargets(in, out);
        });
    }

    /**
     * The targets of an edited policy: a rule whose peers (and, for a rule without peers, whose named-port egress)
     * stayed as they were keeps its set, so an edit of ports costs no scan of the identities.
     */
    private PolicyTargets retarget(NetworkPolicy before, NetworkPolicy after, PolicyTargets old) {
        List<Set<Integer>> in = new ArrayList<>();
        List<Set<Integer>> out = new ArrayList<>();
        for (PolicyType direction : PolicyType.values()) {
            List<NetworkPolicyRule> was = before.rules(direction);
            List<NetworkPolicyRule> now = after.rules(direction);
            for (int i = 0; i < now.size(); i++) {
                NetworkPolicyRule rule = now.get(i);
                Set<Integer> ids;
                if (i < was.size() && was.get(i).peers().equals(rule.peers()) && before.namespace().equals(after.namespace())
                        && namedEgress(direction, was.get(i)) == namedEgress(direction, rule)) {
                    ids = old.of(direction, i);
                } else {
                    ids = new HashSet<>();
                    for (Map.Entry<Integer, LabelSet> e : labelSets.entrySet()) {
                        if (targets(after, direction, rule, e.getValue())) ids.add(e.getKey());
                    }
                }
                (direction == PolicyType.INGRESS ? in : out).add(ids);
            }
        }
        return new PolicyTargets(in, out);
    }

    private static boolean namedEgress(PolicyType direction, NetworkPolicyRule rule) {
        return direction == PolicyType.EGRESS && rule.ports().stream().anyMatch(NetworkPolicyPort::isNamed);
    }

    private void recomputeEndpoint(String key, MapChanges endpointChanges, MapChanges ruleChanges) {
        Endpoint before = endpoints.remove(key);
        Endpoint after = compileEndpoint(pods.get(key));
        if (after != null) endpoints.put(key, after);
        Set<String> oldPolicies = before == null ? Set.of() : before.policies();
        Set<String> newPolicies = after == null ? Set.of() : after.policies();
        for (String p : oldPolicies) {
            if (newPolicies.contains(p)) continue;
            Set<String> eps = endpointsOfPolicy.get(p);
            eps.remove(key);
            if (eps.isEmpty()) {
                endpointsOfPolicy.remove(p);
                targets.remove(p); // only policies isolating a local endpoint keep their targets up to date
            }
        }
        for (String p : newPolicies) endpointsOfPolicy.computeIfAbsent(p, k -> new HashSet<>()).add(key);
        if (before != null) {
            before.entries().forEach(e -> endpointChanges.change(e.key(), e.value(), null));
            before.rules().values().forEach(e -> ruleChanges.change(e.key(), e.value(), null));
        }
        if (after != null) {
            after.entries().forEach(e -> endpointChanges.change(e.key(), null, e.value()));
            after.rules().values().forEach(e -> ruleChanges.change(e.key(), null, e.value()));
        }
    }

    private boolean isLocal(Pod pod) {
        return pod != null && pod.node().equals(node);
    }

    private Endpoint compileEndpoint(Pod pod) {
        if (!isLocal(pod)) return null;
        List<InetAddress> owned = pod.ips().stream().filter(ip -> pod.key().equals(ipcache.owner(ip))).toList();
        if (owned.isEmpty()) return null;
        int endpoint = endpointIds.computeIfAbsent(pod.key(), k -> endpointIds.size() + 1);
        Map<PolicyType, List<NetworkPolicy>> isolating = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (PolicyType direction : PolicyType.values()) {
            List<NetworkPolicy> list = new ArrayList<>();
            for (String k : policiesByNamespace.getOrDefault(pod.namespace(), new TreeSet<>())) {
                NetworkPolicy p = policies.get(k);
                if (p.podSelector().matches(pod.labels()) && p.effectivePolicyTypes().contains(direction)) {
                    list.add(p);
                    used.add(k);
                }
            }
            isolating.put(direction, list);
        }
        int identity = podIdentity.get(pod.key());
        List<EndpointEntry> entries = new ArrayList<>();
        for (InetAddress addr : owned) {
            entries.add(new EndpointEntry(addr, endpoint, identity, !isolating.get(PolicyType.INGRESS).isEmpty(),
                    !isolating.get(PolicyType.EGRESS).isEmpty()));
        }
        Map<String, PolicyEntry> rules = new LinkedHashMap<>();
        isolating.forEach((direction, list) -> {
            for (NetworkPolicy policy : list) {
                PolicyTargets t = targetsOf(policy);
                List<NetworkPolicyRule> policyRules = policy.rules(direction);
                for (int i = 0; i < policyRules.size(); i++) {
                    NetworkPolicyRule rule = policyRules.get(i);
                    PolicyCompiler.emit(rules, endpoint, pod, direction, rule, targetList(rule, t.of(direction, i)),
                            ruleId(new Verdict.RuleRef(policy.key(), direction, i)), ruleTable);
                }
            }
        });
        return new Endpoint(entries, rules, used);
    }

    private List<Target> targetList(NetworkPolicyRule rule, Set<Integer> labels) {
        List<Target> out = new ArrayList<>();
        if (rule.peers().isEmpty()) {
            out.add(new Target(Identities.ANY, null, false));
            labels.forEach(id -> out.add(new Target(id, representatives.get(id), true)));
            return out;
        }
        labels.forEach(id -> out.add(new Target(id, representatives.get(id), false)));
        Map<Integer, CidrInfo> live = ipcache.cidrIdentities();
        Set<Integer> seen = new HashSet<>();
        for (NetworkPolicyPeer peer : rule.peers()) {
            if (peer.selectsPods()) continue;
            for (int id : blockCidrs.getOrDefault(peer.ipBlock(), Set.of())) {
                if (!seen.add(id)) continue;
                Integer label = live.get(id).labelIdentity();
                out.add(new Target(id, label == null ? null : representatives.get(label), false));
            }
        }
        return out;
    }

    private int ruleId(Verdict.RuleRef ref) {
        return ruleIds.computeIfAbsent(ref.toString(), k -> {
            ruleTable.add(ref);
            return ruleTable.size() - 1;
        });
    }

    private static List<IpBlock> blocks(NetworkPolicy p) {
        List<IpBlock> out = new ArrayList<>();
        for (PolicyType t : PolicyType.values()) {
            for (NetworkPolicyRule r : p.rules(t)) {
                for (NetworkPolicyPeer peer : r.peers()) {
                    if (!peer.selectsPods()) out.add(peer.ipBlock());
                }
            }
        }
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }
}
