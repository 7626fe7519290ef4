package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.internal.BpfObjectInfo;
import dev.ebpf4j.k8s.internal.Introspection;
import dev.ebpf4j.k8s.observe.FlowJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code ebpf4j prog list}: loaded BPF programs (bpftool prog show). */
@Command(name = "prog", description = "Loaded BPF programs.", mixinStandardHelpOptions = true)
final class ProgCommand {
    private final CliContext context;

    ProgCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "list", aliases = "show", description = "List loaded programs.")
    int list(@Option(names = {"-o", "--output"}, description = "table or json.") String output,
             @Option(names = "--name", description = "Only programs whose name starts with this.") String prefix) {
        Terminal t = context.terminal();
        List<Integer> ids = Introspection.programIds();
        List<BpfObjectInfo.Program> progs = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            t.progress("reading programs", i + 1, ids.size());
            Introspection.program(ids.get(i)).filter(p -> prefix == null || p.name().startsWith(prefix)).ifPresent(progs::add);
        }
        if ("json".equals(output)) {
            for (BpfObjectInfo.Program p : progs) t.out().println(json(p));
        } else {
            t.table(List.of("ID", "TYPE", "NAME", "TAG", "XLATED", "JITED", "MAPS", "RUN_CNT", "RUN_NS"), progs.stream()
                    .map(p -> List.of(Integer.toString(p.id()), p.type().name().toLowerCase(Locale.ROOT), p.name(), p.tag(),
                            p.xlatedBytes() + "B", p.jitedBytes() + "B",
                            p.mapIds().stream().map(String::valueOf).collect(Collectors.joining(",")),
                            Long.toString(p.runCount()), Long.toString(p.runTimeNanos())))
                    .toList());
        }
        t.out().flush();
        return 0;
    }

    static String json(BpfObjectInfo.Program p) {
        StringBuilder b = new StringBuilder("{\"id\":").append(p.id()).append(",\"type\":");
        FlowJson.quote(b, p.type().name().toLowerCase(Locale.ROOT)).append(",\"name\":");
        FlowJson.quote(b, p.name()).append(",\"tag\":");
        FlowJson.quote(b, p.tag()).append(",\"xlated_bytes\":").append(p.xlatedBytes()).append(",\"jited_bytes\":")
                .append(p.jitedBytes()).append(",\"map_ids\":").append(p.mapIds()).append(",\"run_cnt\":")
                .append(p.runCount()).append(",\"run_time_ns\":").append(p.runTimeNanos()).append('}');
        return b.toString().replace(", ", ",");
    }
}
