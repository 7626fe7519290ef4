package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.observe.FlowSource;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the commands run against: where output goes, the agent state, and how to get a flow source (an agent's
 * running observer, or one started on demand by a standalone CLI).
 *
 * @param terminal output
 * @param cluster  the Service/endpoint/policy state under a pin directory ({@code --pin-dir});
 *                 {@link PinnedState#PinnedState(Path)} reads a running agent's pinned maps
 * @param flows    supplies the flow source, empty if this process cannot observe; called at most once per command
 * @param onDemand whether calling {@code flows} starts a new observer (standalone CLI) rather than returning a
 *                 running one: then {@code observe} follows, and {@code status} does not start one
 */
public record CliContext(Terminal terminal, Function<Path, ClusterState> cluster, Supplier<Optional<FlowSource>> flows,
                         boolean onDemand) {
    public CliContext {
        Objects.requireNonNull(terminal, "terminal");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(flows, "flows");
    }

    /** A context over a running flow source (or none), reading agent state from pinned maps. */
    public CliContext(Terminal terminal, Supplier<Optional<FlowSource>> flows) {
        this(terminal, PinnedState::new, flows, false);
    }

    /** A context with no flow source; agent state comes from pinned maps. */
    public static CliContext detached(Terminal terminal) {
        return new CliContext(terminal, PinnedState::new, Optional::empty, false);
    }

    /**
     * The standalone CLI: agent state from the agent's pinned maps; {@code observe} and {@code monitor} start the
     * observability datapath in this process (needs root) and stop it when they end.
     */
    public static CliContext standalone(Terminal terminal) {
        return new CliContext(terminal, PinnedState::new,
                () -> Optional.of(dev.ebpf4j.k8s.observe.DatapathObserver.builder().start()), true);
    }
}
