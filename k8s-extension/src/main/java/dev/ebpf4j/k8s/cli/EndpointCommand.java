package dev.ebpf4j.k8s.cli;

import picocli.CommandLine.Command;

import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code ebpf4j endpoint list}: local pod endpoints (cilium endpoint list). */
@Command(name = "endpoint", description = "Local pod endpoints.", mixinStandardHelpOptions = true)
final class EndpointCommand {
    private final CliContext context;

    EndpointCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "list", description = "List endpoints with their policy enforcement.")
    int list() {
        ClusterState s = context.cluster();
        if (!s.connected()) return StatusCommand.notConnected(context.terminal());
        Terminal t = context.terminal();
        t.table(List.of("ID", "POD", "IP", "INGRESS", "EGRESS", "INTERFACE", "LABELS"), s.endpoints().stream()
                .map(e -> List.of(Integer.toString(e.id()), e.namespace() + "/" + e.pod(), e.ip(),
                        e.ingressEnforced() ? t.yellow("Enabled") : "Disabled",
                        e.egressEnforced() ? t.yellow("Enabled") : "Disabled", e.iface(),
                        new TreeMap<>(e.labels()).entrySet().stream().map(l -> l.getKey() + "=" + l.getValue())
                                .collect(Collectors.joining(","))))
                .toList());
        return 0;
    }
}
