package dev.ebpf4j.k8s.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ebpf4j service list}: Service frontends and backends as the datapath holds them (cilium service list). */
@Command(name = "service", description = "Services programmed into the datapath.", mixinStandardHelpOptions = true)
final class ServiceCommand {
    private final CliContext context;

    ServiceCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "list", description = "List Services with their backends, read from the agent's pinned LB maps.")
    int list(@Mixin PinDir pins,
             @Option(names = {"-o", "--output"}, description = "table or json (one object per frontend).") String output) {
        Terminal t = context.terminal();
        List<ClusterState.ServiceRow> services = context.cluster().apply(pins.dir).services();
        if ("json".equals(output)) {
            for (ClusterState.ServiceRow s : services) t.out().println(Json.of(json(s)));
            t.out().flush();
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (ClusterState.ServiceRow s : services) {
            List<String> first = List.of(Integer.toString(s.id()), s.frontend(), s.type(), Integer.toString(s.revision()),
                    s.maglevSize() == 0 ? "-" : Integer.toString(s.maglevSize()), s.flags().isEmpty() ? "-" : String.join(",", s.flags()));
            if (s.backends().isEmpty()) rows.add(concat(first, t.red("(no backends)")));
            for (int i = 0; i < s.backends().size(); i++) {
                ClusterState.BackendRow b = s.backends().get(i);
                String state = switch (b.state()) {
                    case "active" -> t.green(b.state());
                    case "terminating" -> t.yellow(b.state());
                    default -> t.red(b.state());
                };
                String cell = (i + 1) + " => " + b.address() + " (" + state + ")";
                rows.add(concat(i == 0 ? first : List.of("", "", "", "", "", ""), cell));
            }
        }
        t.table(List.of("ID", "FRONTEND", "TYPE", "REV", "MAGLEV", "FLAGS", "BACKENDS"), rows);
        return 0;
    }

    @Command(name = "backends", description = "List every backend of the backend map with the services whose live slots name it"
            + " (terminating backends are in none).")
    int backends(@Mixin PinDir pins,
                 @Option(names = {"-o", "--output"}, description = "table or json (one object per backend).") String output) {
        Terminal t = context.terminal();
        ClusterState state = context.cluster().apply(pins.dir);
        Map<Integer, java.util.TreeSet<Integer>> users = new java.util.HashMap<>();
        for (ClusterState.ServiceRow s : state.services()) {
            for (ClusterState.BackendRow b : s.backends()) users.computeIfAbsent(b.id(), k -> new java.util.TreeSet<>()).add(s.id());
        }
        List<List<String>> rows = new ArrayList<>();
        for (ClusterState.BackendRow b : state.backends()) {
            List<Integer> services = List.copyOf(users.getOrDefault(b.id(), new java.util.TreeSet<>()));
            if ("json".equals(output)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", b.id());
                m.put("address", b.address());
                m.put("state", b.state());
                m.put("services", services);
                t.out().println(Json.of(m));
            } else {
                rows.add(List.of(Integer.toString(b.id()), b.address(), b.state().equals("active") ? b.state() : t.yellow(b.state()),
                        services.isEmpty() ? "-" : services.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","))));
            }
        }
        if (!"json".equals(output)) t.table(List.of("ID", "BACKEND", "STATE", "SERVICES"), rows);
        t.out().flush();
        return 0;
    }

    private static List<String> concat(List<String> row, String cell) {
        List<String> r = new ArrayList<>(row);
        r.add(cell);
        return r;
    }

    private static Map<String, Object> json(ClusterState.ServiceRow s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("frontend", s.frontend());
        m.put("type", s.type());
        m.put("revision", s.revision());
        m.put("maglev_size", s.maglevSize());
        m.put("affinity_timeout", s.affinityTimeout());
        m.put("flags", s.flags());
        m.put("backends", s.backends().stream().map(b -> {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("id", b.id());
            bm.put("address", b.address());
            bm.put("state", b.state());
            return bm;
        }).toList());
        return m;
    }
}
