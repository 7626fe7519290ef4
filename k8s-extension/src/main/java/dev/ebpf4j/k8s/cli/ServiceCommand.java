package dev.ebpf4j.k8s.cli;

import picocli.CommandLine.Command;

import java.util.List;

/** {@code ebpf4j service list}: Service frontends and backends (cilium service list). */
@Command(name = "service", description = "Services programmed into the datapath.", mixinStandardHelpOptions = true)
final class ServiceCommand {
    private final CliContext context;

    ServiceCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "list", description = "List Services with their backends.")
    int list() {
        ClusterState s = context.cluster();
        if (!s.connected()) return StatusCommand.notConnected(context.terminal());
        context.terminal().table(List.of("ID", "FRONTEND", "TYPE", "BACKENDS"), s.services().stream()
                .map(r -> List.of(Integer.toString(r.id()), r.frontend(), r.type(), String.join(", ", r.backends())))
                .toList());
        return 0;
    }
}
