package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.FlowSource;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the commands run against: where output goes, the agent state, and how to get a flow source (an agent's
 * running observer, or one started on demand by a standalone CLI).
 *
 * @param terminal output
 * @param cluster  Service/endpoint/policy state
 * @param flows    supplies the flow source, empty if this process cannot observe; called at most once per command
 * @param onDemand whether calling {@code flows} starts a new observer (standalone CLI) rather than returning a
 *                 running one: then {@code observe} follows, and {@code status} does not start one
 */
public record CliContext(Terminal terminal, ClusterState cluster, Supplier<Optional<FlowSource>> flows, boolean onDemand) {
    public CliContext {
        Objects.requireNonNull(terminal, "terminal");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(flows, "flows");
    }

    /** A context over a running flow source (or none). */
    public CliContext(Terminal terminal, ClusterState cluster, Supplier<Optional<FlowSource>> flows) {
        this(terminal, cluster, flows, false);
    }

    /** A context with no agent and no flow source. */
    public static CliContext detached(Terminal terminal) {
        return new CliContext(terminal, ClusterState.disconnected(), Optional::empty, false);
    }

    /**
     * The standalone CLI: no agent; {@code observe} and {@code monitor} start the observability datapath in this
     * process (needs root) and stop it when they end.
     */
    public static CliContext standalone(Terminal terminal) {
        return new CliContext(terminal, ClusterState.disconnected(),
                () -> Optional.of(dev.ebpf4j.k8s.observe.DatapathObserver.builder().start()), true);
    }
}
