package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.NetworkPolicyPeer;
import dev.ebpf4j.k8s.model.NetworkPolicyPort;
import dev.ebpf4j.k8s.model.NetworkPolicyRule;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.Verdict.Decision;
import dev.ebpf4j.k8s.policy.Verdict.Outcome;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A direct, unoptimised implementation of {@code networking.k8s.io/v1} NetworkPolicy semantics: the oracle the
 * datapath is tested against and what explains a verdict.
 *
 * <ul>
 *   <li>A pod is isolated for a direction only if some policy of its namespace selects it and has that direction
 *       in its effective policyTypes (Ingress always; Egress when declared or when egress rules exist).</li>
 *   <li>Allows add up: a connection passes a direction if any rule of any selecting policy matches. An empty
 *       rule list allows nothing; an empty peer list matches every address; an empty port list every port.</li>
 *   <li>Pod peers match pods by label (podSelector in the policy's namespace, namespaceSelector across
 *       namespaces, both together); ipBlock peers match addresses, pod addresses included, as the upstream e2e
 *       tests expect ("should allow egress access to server in CIDR block" uses a pod IP).</li>
 *   <li>Named ports resolve on the destination pod (container port with that name and protocol); a non-pod
 *       destination never matches a named port. endPort makes an inclusive range.</li>
 *   <li>Ingress from an address of the destination pod's own node is always allowed; a pod reaching itself is
 *       loopback and not subject to policy.</li>
 *   <li>The verdict is for connection initiation; replies of an allowed connection pass.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class PolicyEvaluator {

    private final ClusterState state;

    /**
     * @param state the snapshot to decide against
     */
    public PolicyEvaluator(ClusterState state) {
        this.state = state;
    }

    /** @return the snapshot this evaluator decides against */
    public ClusterState state() {
        return state;
    }

    /**
     * @param probe the connection attempt
     * @return allow or deny, with the deciding rule or reason per direction
     */
    public Verdict evaluate(Probe probe) {
        Optional<Pod> src = state.podByIp(probe.source());
        Optional<Pod> dst = state.podByIp(probe.destination());
        if (src.isPresent() && dst.isPresent() && src.get().key().equals(dst.get().key())) {
            Decision loop = new Decision(PolicyType.EGRESS, Outcome.LOOPBACK, null, List.of());
            return new Verdict(true, loop, new Decision(PolicyType.INGRESS, Outcome.LOOPBACK, null, List.of()));
        }
        Decision egress = src.map(p -> decide(p, PolicyType.EGRESS, probe.destination(), dst.orElse(null),
                        probe.port(), probe.protocol(), dst.orElse(null)))
                .orElse(new Decision(PolicyType.EGRESS, Outcome.NOT_A_POD, null, List.of()));
        Decision ingress = dst.map(p -> ingress(p, probe, src.orElse(null)))
                .orElse(new Decision(PolicyType.INGRESS, Outcome.NOT_A_POD, null, List.of()));
        return new Verdict(egress.allowed() && ingress.allowed(), egress, ingress);
    }

    private Decision ingress(Pod dst, Probe probe, Pod src) {
        if (state.nodeAddresses().getOrDefault(dst.node(), List.of()).contains(probe.source())) {
            return new Decision(PolicyType.INGRESS, Outcome.FROM_OWN_NODE, null, List.of());
        }
        return decide(dst, PolicyType.INGRESS, probe.source(), src, probe.port(), probe.protocol(), dst);
    }

    /**
     * Decides one direction for {@code pod}, the endpoint whose policies apply.
     *
     * @param pod the pod whose policies apply (source for egress, destination for ingress)
     * @param direction the direction
     * @param peerIp the other end's address
     * @param peerPod the other end's pod, or null
     * @param port the destination port
     * @param protocol the protocol
     * @param portOwner the destination pod, on which named ports resolve (null if the destination is no pod)
     */
    private Decision decide(Pod pod, PolicyType direction, InetAddress peerIp, Pod peerPod, int port,
                            L4Protocol protocol, Pod portOwner) {
        List<String> isolating = new ArrayList<>();
        Verdict.RuleRef first = null;
        for (NetworkPolicy policy : isolatingPolicies(pod, direction)) {
            isolating.add(policy.key());
            List<NetworkPolicyRule> rules = policy.rules(direction);
            for (int i = 0; i < rules.size() && first == null; i++) {
                NetworkPolicyRule rule = rules.get(i);
                if (peersMatch(policy, rule, peerIp, peerPod) && portsMatch(rule, port, protocol, portOwner)) {
                    first = new Verdict.RuleRef(policy.key(), direction, i);
                }
            }
        }
        if (isolating.isEmpty()) {
            return new Decision(direction, Outcome.NOT_ISOLATED, null, isolating);
        }
        return new Decision(direction, first != null ? Outcome.ALLOWED_BY_RULE : Outcome.DENIED, first, isolating);
    }

    /**
     * @param pod a pod
     * @param direction a direction
     * @return the policies of the pod's namespace that select it and isolate that direction
     */
    public List<NetworkPolicy> isolatingPolicies(Pod pod, PolicyType direction) {
        List<NetworkPolicy> out = new ArrayList<>();
        for (NetworkPolicy policy : state.policies()) {
            if (policy.namespace().equals(pod.namespace()) && policy.podSelector().matches(pod.labels())
                    && policy.effectivePolicyTypes().contains(direction)) {
                out.add(policy);
            }
        }
        return out;
    }

    private boolean peersMatch(NetworkPolicy policy, NetworkPolicyRule rule, InetAddress ip, Pod pod) {
        if (rule.peers().isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : rule.peers()) {
            if (peerMatches(policy, peer, ip, pod)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param policy the policy the peer belongs to (its namespace scopes a podSelector-only peer)
     * @param peer the peer
     * @param ip the other end's address
     * @param pod the other end's pod, or null when the address is no pod's
     * @return whether the peer matches
     */
    boolean peerMatches(NetworkPolicy policy, NetworkPolicyPeer peer, InetAddress ip, Pod pod) {
        if (peer.ipBlock() != null) {
            return peer.ipBlock().matches(ip);
        }
        if (pod == null) {
            return false;
        }
        if (peer.namespaceSelector() == null) {
            return pod.namespace().equals(policy.namespace()) && peer.podSelector().matches(pod.labels());
        }
        boolean nsMatch = peer.namespaceSelector().matches(state.namespace(pod.namespace()).labels());
        return nsMatch && (peer.podSelector() == null || peer.podSelector().matches(pod.labels()));
    }

    private static boolean portsMatch(NetworkPolicyRule rule, int port, L4Protocol protocol, Pod portOwner) {
        if (rule.ports().isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : rule.ports()) {
            if (portMatches(p, port, protocol, portOwner)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param p a policy port entry
     * @param port the destination port
     * @param protocol the protocol
     * @param portOwner the destination pod, or null
     * @return whether the entry covers the port
     */
    static boolean portMatches(NetworkPolicyPort p, int port, L4Protocol protocol, Pod portOwner) {
        if (p.protocol() != protocol) {
            return false;
        }
        if (p.isNamed()) {
            return portOwner != null && portOwner.resolvePort(p.portName(), protocol).orElse(-1) == port;
        }
        if (p.port() == 0) {
            return true;
        }
        return port >= p.port() && port <= p.lastPort();
    }
}
