package dev.ebpf4j.k8s.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ebpf4j policy get}: the allow entries of the policy map, decoded (cilium bpf policy get). */
@Command(name = "policy", description = "NetworkPolicy as enforced by the datapath.", mixinStandardHelpOptions = true)
final class PolicyCommand {
    private final CliContext context;

    PolicyCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "get", description = "Show the policy map's allow entries, read from the agent's pinned policy maps.")
    int get(@Mixin PinDir pins,
            @Option(names = {"-e", "--endpoint"}, paramLabel = "ID", description = "Only this endpoint.") Integer endpoint,
            @Option(names = {"-o", "--output"}, description = "table or json (one object per entry).") String output) {
        Terminal t = context.terminal();
        ClusterState state = context.cluster().apply(pins.dir);
        List<ClusterState.PolicyRow> rows = state.policies().stream()
                .filter(p -> endpoint == null || p.endpointId() == endpoint).toList();
        if ("json".equals(output)) {
            for (ClusterState.PolicyRow p : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("endpoint", p.endpointId());
                m.put("direction", p.direction());
                m.put("peer", p.peer());
                m.put("protocol", p.protocol());
                m.put("ports", p.ports());
                m.put("rule", p.ruleId());
                t.out().println(Json.of(m));
            }
            t.out().flush();
            return 0;
        }
        ClusterState.PolicyCounters c = state.policyCounters();
        t.out().println(t.bold("Revision:") + " " + c.revision() + "   " + t.bold("Drops:") + " "
                + (c.drops().isEmpty() ? "-" : new java.util.TreeMap<>(c.drops()).toString().replaceAll("[{}]", "")));
        t.table(List.of("ENDPOINT", "DIRECTION", "PEER IDENTITY", "PROTOCOL", "PORTS", "RULE"), rows.stream()
                .map(p -> List.of(Integer.toString(p.endpointId()), p.direction(), p.peer(), p.protocol(), p.ports(),
                        Integer.toString(p.ruleId()))).toList());
        return 0;
    }
}
