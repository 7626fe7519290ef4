package dev.ebpf4j.k8s.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ebpf4j endpoint list}: local pod endpoints with their policy enforcement (cilium endpoint list). */
@Command(name = "endpoint", description = "Local pod endpoints.", mixinStandardHelpOptions = true)
final class EndpointCommand {
    private final CliContext context;

    EndpointCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "list", description = "List endpoints with identity and policy enforcement, read from the agent's pinned policy maps.")
    int list(@Mixin PinDir pins,
             @Option(names = {"-o", "--output"}, description = "table or json (one object per endpoint address).") String output) {
        Terminal t = context.terminal();
        List<ClusterState.EndpointRow> endpoints = context.cluster().apply(pins.dir).endpoints();
        if ("json".equals(output)) {
            for (ClusterState.EndpointRow e : endpoints) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", e.id());
                m.put("address", e.address());
                m.put("identity", e.identity());
                m.put("ingress_enforced", e.ingressEnforced());
                m.put("egress_enforced", e.egressEnforced());
                m.put("interface", e.iface());
                m.put("datapath", e.datapath());
                t.out().println(Json.of(m));
            }
            t.out().flush();
            return 0;
        }
        t.table(List.of("ENDPOINT", "ADDRESS", "IDENTITY", "INGRESS ENFORCEMENT", "EGRESS ENFORCEMENT", "INTERFACE", "DATAPATH"),
                endpoints.stream().map(e -> List.of(Integer.toString(e.id()), e.address(), Integer.toString(e.identity()),
                        e.ingressEnforced() ? t.yellow("Enabled") : "Disabled", e.egressEnforced() ? t.yellow("Enabled") : "Disabled",
                        e.iface(), switch (e.datapath()) {
                            case "attached" -> t.green(e.datapath());
                            case "-" -> e.datapath();
                            default -> t.red(e.datapath());
                        })).toList());
        return 0;
    }
}
