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
 */
public record CliContext(Terminal terminal, ClusterState cluster, Supplier<Optional<FlowSource>> flows) {
    public CliContext {
        Objects.requireNonNull(terminal, "terminal");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(flows, "flows");
    }

    /** A context with no agent and no flow source. */
    public static CliContext detached(Terminal terminal) {
        return new CliContext(terminal, ClusterState.disconnected(), Optional::empty);
    }
}
