package dev.ebpf4j.k8s.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ebpf4j policy get}: NetworkPolicies as enforced (cilium policy get). */
@Command(name = "policy", description = "NetworkPolicies as enforced.", mixinStandardHelpOptions = true)
final class PolicyCommand {
    private final CliContext context;

    PolicyCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "get", description = "Show enforced policies.")
    int get(@Option(names = {"-n", "--namespace"}, description = "Only this namespace.") String namespace) {
        ClusterState s = context.cluster();
        if (!s.connected()) return StatusCommand.notConnected(context.terminal());
        Terminal t = context.terminal();
        for (ClusterState.PolicyRow p : s.policies()) {
            if (namespace != null && !namespace.equals(p.namespace())) continue;
            t.out().println(t.bold(p.namespace() + "/" + p.name()) + "  podSelector: " + p.podSelector());
            for (String rule : p.rules()) t.out().println("  " + rule);
        }
        t.out().flush();
        return 0;
    }
}
