package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.internal.BpfObjectInfo;
import dev.ebpf4j.k8s.internal.Introspection;
import dev.ebpf4j.k8s.internal.PinnedMaps;
import dev.ebpf4j.k8s.observe.FlowJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** {@code ebpf4j map list|dump}: BPF maps (bpftool map show / dump). */
@Command(name = "map", description = "BPF maps.", mixinStandardHelpOptions = true)
final class MapCommand {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
    private final CliContext context;

    MapCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "list", aliases = "show", description = "List maps.")
    int list(@Option(names = "--name", description = "Only maps whose name starts with this.") String prefix,
             @Option(names = {"-o", "--output"}, description = "table or json (one object per map).") String output) {
        Terminal t = context.terminal();
        List<BpfObjectInfo.Map> maps = maps(prefix);
        if ("json".equals(output)) {
            for (BpfObjectInfo.Map m : maps) {
                java.util.Map<String, Object> j = new java.util.LinkedHashMap<>();
                j.put("id", m.id());
                j.put("type", m.type().name().toLowerCase(Locale.ROOT));
                j.put("name", m.name());
                j.put("key_size", m.keySize());
                j.put("value_size", m.valueSize());
                j.put("max_entries", m.maxEntries());
                j.put("flags", m.flags());
                t.out().println(Json.of(j));
            }
            t.out().flush();
            return 0;
        }
        t.table(List.of("ID", "TYPE", "NAME", "KEY", "VALUE", "MAX_ENTRIES", "FLAGS"), maps.stream()
                .map(m -> List.of(Integer.toString(m.id()), m.type().name().toLowerCase(Locale.ROOT), m.name(),
                        m.keySize() + "B", m.valueSize() + "B", Integer.toString(m.maxEntries()), "0x" + Integer.toHexString(m.flags())))
                .toList());
        return 0;
    }

    @Command(name = "dump", description = "Dump a map's entries (key and value bytes in hex).")
    int dump(@Parameters(paramLabel = "NAME|ID|PATH", description = "Map name (first match), numeric id, or the path of"
                     + " a pinned map (opened read-only).") String which,
             @Option(names = {"-o", "--output"}, description = "text or json.") String output,
             @Option(names = "--limit", description = "At most N entries (default 10000).") Integer limit) {
        Terminal t = context.terminal();
        int max = limit == null ? 10_000 : limit;
        List<Introspection.Entry> entries = which.startsWith("/")
                ? PinnedMaps.read(Path.of(which), max).orElseThrow(() -> new IllegalArgumentException("nothing pinned at " + which)).entries()
                : Introspection.entries(find(which).id(), max);
        boolean json = "json".equals(output);
        for (Introspection.Entry e : entries) {
            if (json) {
                StringBuilder b = new StringBuilder("{\"key\":");
                FlowJson.quote(b, HEX.formatHex(e.key())).append(",\"value\":");
                t.out().println(FlowJson.quote(b, HEX.formatHex(e.value())).append('}'));
            } else {
                t.out().println("key: " + HEX.formatHex(e.key()) + "  value: " + HEX.formatHex(e.value()));
            }
        }
        if (!json) t.out().println("Found " + entries.size() + " element" + (entries.size() == 1 ? "" : "s"));
        t.out().flush();
        return 0;
    }

    private List<BpfObjectInfo.Map> maps(String prefix) {
        List<Integer> ids = Introspection.mapIds();
        List<BpfObjectInfo.Map> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            context.terminal().progress("reading maps", i + 1, ids.size());
            Introspection.map(ids.get(i)).filter(m -> prefix == null || m.name().startsWith(prefix)).ifPresent(out::add);
        }
        return out;
    }

    private BpfObjectInfo.Map find(String which) {
        if (which.matches("\\d+")) {
            return Introspection.map(Integer.parseInt(which))
                    .orElseThrow(() -> new IllegalArgumentException("no map with id " + which));
        }
        return maps(null).stream().filter(m -> m.name().equals(which)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no map named '" + which + "' (names are cut at 15 characters; see 'map list')"));
    }
}
