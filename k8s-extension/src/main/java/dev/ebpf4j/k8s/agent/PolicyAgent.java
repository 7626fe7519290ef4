package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.conntrack.ConntrackGc;
import dev.ebpf4j.k8s.policy.PodInterfaces;
import dev.ebpf4j.k8s.policy.PolicyEnforcer;
import dev.ebpf4j.k8s.policy.PolicyEnforcerConfig;
import dev.ebpf4j.k8s.source.PolicyInformerSource;
import dev.ebpf4j.k8s.source.PolicyManifestSource;
import dev.ebpf4j.k8s.source.PolicySource;

import java.time.Duration;

/**
 * The agent's NetworkPolicy half: a {@link PolicyEnforcer} pinned under the agent's pin directory
 * ({@code <pin-dir>/policy-v1/maps/<map name>}, {@code <pin-dir>/policy-v1/links/}) following the same kind of source
 * as the load balancer (the manifest directory, or the API server), and the sweep of its conntrack.
 */
final class PolicyAgent implements AutoCloseable {
    private final PolicyEnforcer enforcer;
    private final PolicySource source;
    private final ConntrackGc conntrack;

    private PolicyAgent(PolicyEnforcer enforcer, PolicySource source, ConntrackGc conntrack) {
        this.enforcer = enforcer;
        this.source = source;
        this.conntrack = conntrack;
    }

    /** Loads or re-adopts the policy datapath and follows the source the options name (not yet started). */
    static PolicyAgent start(AgentOptions options) {
        PolicyOptions policy = options.policy();
        PolicyEnforcerConfig config = PolicyEnforcerConfig.forNode(options.node()).withPinDirectory(options.pinDir())
                .withConntrack(options.conntrack());
        if (!policy.interfaces().isEmpty()) config = config.withInterfaces(PodInterfaces.fixed(policy.interfaces()));
        if (!policy.hostAddresses().isEmpty()) config = config.withHostAddresses(policy.hostAddresses());
        PolicyEnforcer enforcer = PolicyEnforcer.start(config);
        ConntrackGc gc = null;
        try {
            gc = ConntrackGc.forPolicy(enforcer.object(), config.conntrack()).start(config.conntrack().gcInterval());
            PolicySource source = options.manifests().isPresent()
                    ? new PolicyManifestSource(options.manifests().get()) : PolicyInformerSource.connect();
            enforcer.follow(source);
            return new PolicyAgent(enforcer, source, gc);
        } catch (RuntimeException | Error e) {
            if (gc != null) gc.close();
            enforcer.close();
            throw e;
        }
    }

    /** Starts the source (its initial list or scan) and waits until the enforcer applied it. */
    boolean startAndSync(Duration timeout) throws InterruptedException {
        source.start(timeout);
        return enforcer.awaitSynced(source, timeout);
    }

    /** Waits until the enforcer applied the source's current state. */
    boolean awaitSynced(Duration timeout) throws InterruptedException {
        return enforcer.awaitSynced(source, timeout);
    }

    /** @return the Namespaces, Pods and NetworkPolicies ignored as malformed, "Kind namespace/name" to why */
    java.util.Map<String, String> rejected() {
        return source.rejected();
    }

    PolicyEnforcer enforcer() {
        return enforcer;
    }

    /** The sweep of policy_conntrack. */
    ConntrackGc conntrack() {
        return conntrack;
    }

    /** Stops following; the pinned datapath keeps enforcing. */
    @Override
    public void close() {
        try (enforcer; conntrack) {
            source.close();
        }
    }
}
