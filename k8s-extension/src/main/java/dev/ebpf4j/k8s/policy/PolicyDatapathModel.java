package dev.ebpf4j.k8s.policy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * <b>Simulation</b> of the policy datapath: answers a connection attempt the way {@code policy.bpf.c} does, using
 * only the encoded map entries of {@link CompiledPolicy} (hash and LPM semantics simulated byte for byte). Egress is
 * decided on the source pod's node, ingress on the destination pod's node. Used to test the compiler against
 * {@link PolicyEvaluator} without a kernel.
 *
 * <p>Lookups per isolated direction: endpoint by pod address; peer by LPM ipcache (miss means WORLD); then the
 * policy trie with the peer's identity, its CIDR identity and {@link Identities#ANY}. Ingress from
 * {@link Identities#HOST} is always allowed; a pod reaching itself never crosses its interface and passes.
 */
public final class PolicyDatapathModel {

    /**
     * @param allowed whether the connection may be initiated
     * @param reason the drop reason when denied
     * @param egressRule the allowing egress rule id, or -1 when egress was not isolated
     * @param ingressRule the allowing ingress rule id, or -1 when ingress was not isolated
     */
    public record Decision(boolean allowed, DropReason reason, int egressRule, int ingressRule) {
    }

    private final List<InMemoryPolicyMaps> nodes = new ArrayList<>();

    /**
     * @param compiled the compiled maps of every node
     */
    public PolicyDatapathModel(Collection<CompiledPolicy> compiled) {
        compiled.forEach(c -> nodes.add(InMemoryPolicyMaps.of(c)));
    }

    /**
     * @param maps the (simulated) maps of every node, read live: later writes to them change the answers
     * @return a model over those maps
     */
    public static PolicyDatapathModel over(List<InMemoryPolicyMaps> maps) {
        PolicyDatapathModel m = new PolicyDatapathModel(List.of());
        m.nodes.addAll(maps);
        return m;
    }

    /**
     * @param probe a connection attempt (IPv4 or IPv6)
     * @return the decision
     */
    public Decision decide(Probe probe) {
        InetAddress src = probe.source();
        InetAddress dst = probe.destination();
        if (src.getAddress().length != dst.getAddress().length) {
            throw new IllegalArgumentException("a probe's addresses must be of one family: " + probe);
        }
        Optional<Local> from = local(src);
        Optional<Local> to = local(dst);
        if (from.isPresent() && to.isPresent() && from.get().node == to.get().node
                && from.get().endpointId() == to.get().endpointId()) {
            return new Decision(true, DropReason.NONE, -1, -1);
        }
        int egressRule = -1;
        if (from.isPresent() && (from.get().flags & PolicyMapLayout.FLAG_EGRESS_ISOLATED) != 0) {
            egressRule = verdict(from.get(), dst, PolicyMapLayout.DIR_EGRESS, probe);
            if (egressRule < 0) {
                return new Decision(false, DropReason.POLICY_EGRESS, -1, -1);
            }
        }
        int ingressRule = -1;
        if (to.isPresent() && (to.get().flags & PolicyMapLayout.FLAG_INGRESS_ISOLATED) != 0) {
            ingressRule = verdict(to.get(), src, PolicyMapLayout.DIR_INGRESS, probe);
            if (ingressRule < 0) {
                return new Decision(false, DropReason.POLICY_INGRESS, egressRule, -1);
            }
        }
        return new Decision(true, DropReason.NONE, egressRule, ingressRule);
    }

    private record Local(InMemoryPolicyMaps node, int endpointId, int flags) {
    }

    private Optional<Local> local(InetAddress address) {
        for (InMemoryPolicyMaps n : nodes) {
            Optional<byte[]> v = n.endpoint(PolicyMapLayout.mapped(address));
            if (v.isPresent()) {
                ByteBuffer b = ByteBuffer.wrap(v.get()).order(ByteOrder.nativeOrder());
                return Optional.of(new Local(n, b.getInt(0), b.getInt(8)));
            }
        }
        return Optional.empty();
    }

    /** @return the allowing rule id, or -1 (deny); {@code Integer.MAX_VALUE} for ingress from the host */
    private static int verdict(Local ep, InetAddress peer, int direction, Probe probe) {
        int identity = Identities.WORLD;
        int cidrIdentity = 0;
        Optional<byte[]> hit = ep.node.ipcache(PolicyMapLayout.ipcacheKey(peer));
        if (hit.isPresent()) {
            ByteBuffer b = ByteBuffer.wrap(hit.get()).order(ByteOrder.nativeOrder());
            identity = b.getInt(0);
            cidrIdentity = b.getInt(4);
        }
        if (direction == PolicyMapLayout.DIR_INGRESS && identity == Identities.HOST) {
            return Integer.MAX_VALUE;
        }
        int proto = probe.protocol().number();
        int[] candidates = cidrIdentity != 0 ? new int[] {identity, cidrIdentity, Identities.ANY}
                : new int[] {identity, Identities.ANY};
        for (int id : candidates) {
            byte[] key = PolicyMapLayout.policyKey(PolicyMapLayout.PREFIX_FULL, ep.endpointId, id, direction, proto,
                    probe.port());
            Optional<byte[]> rule = ep.node.rule(key);
            if (rule.isPresent()) {
                return ByteBuffer.wrap(rule.get()).order(ByteOrder.nativeOrder()).getInt(0);
            }
        }
        return -1;
    }
}
