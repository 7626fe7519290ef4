package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.PolicyType;
import java.util.List;
import java.util.Optional;

/**
 * The answer for one connection attempt: allowed only when both the source's egress and the destination's
 * ingress allow it. Replies of an allowed connection pass without a new decision (the datapath tracks them).
 *
 * @param allowed whether the connection may be initiated
 * @param egress the decision at the source
 * @param ingress the decision at the destination
 */
public record Verdict(boolean allowed, Decision egress, Decision ingress) {

    /** Why a direction allowed or denied. */
    public enum Outcome {
        /** The endpoint on this side is not a pod: no policy applies here. */
        NOT_A_POD,
        /** No policy selects the pod for this direction: the pod is not isolated, everything passes. */
        NOT_ISOLATED,
        /** A rule of a policy selecting the pod matches. */
        ALLOWED_BY_RULE,
        /** Ingress from an address of the destination pod's own node, which is always allowed. */
        FROM_OWN_NODE,
        /** A pod talking to itself; the packet never crosses the pod's interface. */
        LOOPBACK,
        /** The pod is isolated and no rule of any policy selecting it matches. */
        DENIED
    }

    /**
     * Identifies one rule.
     *
     * @param policy {@code namespace/name} of the policy
     * @param direction the rule list it belongs to
     * @param index its position in that list
     */
    public record RuleRef(String policy, PolicyType direction, int index) {
        @Override
        public String toString() {
            return policy + " " + direction.name().toLowerCase(java.util.Locale.ROOT) + "[" + index + "]";
        }
    }

    /**
     * A decision for one direction.
     *
     * @param direction the direction
     * @param outcome why
     * @param rule the first matching rule when {@code outcome} is {@link Outcome#ALLOWED_BY_RULE}, else null
     * @param isolatingPolicies the policies selecting the pod for this direction
     */
    public record Decision(PolicyType direction, Outcome outcome, RuleRef rule, List<String> isolatingPolicies) {

        /** Copies the list. */
        public Decision {
            isolatingPolicies = List.copyOf(isolatingPolicies);
        }

        /** @return whether this direction lets the connection through */
        public boolean allowed() {
            return outcome != Outcome.DENIED;
        }

        /** @return the deciding rule, if a rule decided */
        public Optional<RuleRef> matchedRule() {
            return Optional.ofNullable(rule);
        }

        @Override
        public String toString() {
            return switch (outcome) {
                case ALLOWED_BY_RULE -> "allowed by " + rule;
                case DENIED -> "denied: isolated by " + isolatingPolicies + ", no rule matches";
                default -> outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            };
        }
    }

    @Override
    public String toString() {
        return (allowed ? "ALLOW" : "DENY") + " (egress: " + egress + "; ingress: " + ingress + ")";
    }
}
