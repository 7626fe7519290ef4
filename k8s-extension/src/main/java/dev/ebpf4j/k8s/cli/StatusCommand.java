package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.core.features.Availability;
import dev.ebpf4j.core.features.Features;
import dev.ebpf4j.k8s.internal.Introspection;
import dev.ebpf4j.k8s.observe.FlowSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ebpf4j status}: kernel features, BPF objects, the agent's pinned state and observer counters (cilium status). */
@Command(name = "status", description = "Kernel features, BPF objects, agent state and datapath counters.", mixinStandardHelpOptions = true)
final class StatusCommand implements Callable<Integer> {
    private static final List<ProgramType> PROGRAMS = List.of(ProgramType.XDP, ProgramType.SCHED_CLS,
            ProgramType.CGROUP_SOCK_ADDR, ProgramType.TRACEPOINT, ProgramType.RAW_TRACEPOINT, ProgramType.SOCK_OPS,
            ProgramType.KPROBE, ProgramType.TRACING);
    private static final List<MapType> MAPS = List.of(MapType.HASH, MapType.LRU_HASH, MapType.LPM_TRIE,
            MapType.RINGBUF, MapType.PERCPU_ARRAY, MapType.SOCKHASH);

    @Mixin PinDir pins;
    @Option(names = {"-o", "--output"}, description = "text or json.") String output;

    private final CliContext context;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Terminal t = context.terminal();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kernel", Features.kernelVersion().toString());
        s.put("btf", Features.kernelBtf());
        s.put("capabilities", Features.capabilities().stream().map(Enum::name).sorted().toList());
        s.put("bpffs", Features.bpffsMounted(Path.of("/sys/fs/bpf")));
        Map<String, Object> features = new LinkedHashMap<>();
        List<Object> all = new ArrayList<>(PROGRAMS);
        all.addAll(MAPS);
        for (int i = 0; i < all.size(); i++) {
            t.progress("probing features", i + 1, all.size());
            Object f = all.get(i);
            Availability a = f instanceof ProgramType p ? Features.probe(p) : Features.probe((MapType) f);
            features.put((f instanceof ProgramType ? "program/" : "map/") + ((Enum<?>) f).name().toLowerCase(Locale.ROOT),
                    a.name().toLowerCase(Locale.ROOT));
        }
        s.put("features", features);
        // Counting every object in the kernel needs CAP_SYS_ADMIN, which the agent's container does not have.
        s.put("objects", attempt(() -> ordered("programs", Introspection.programIds().size(), "maps", Introspection.mapIds().size(),
                "links", Introspection.linkIds().size())));
        ClusterState cluster = context.cluster().apply(pins.dir);
        s.put("pin_dir", pins.dir.toString());
        s.put("load_balancer", attempt(() -> {
            List<ClusterState.ServiceRow> services = cluster.services();
            return ordered("services", services.size(), "backends",
                    services.stream().flatMap(r -> r.backends().stream()).map(ClusterState.BackendRow::id).distinct().count());
        }));
        s.put("policy", attempt(() -> {
            ClusterState.PolicyCounters c = cluster.policyCounters();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("endpoints", cluster.endpoints().size());
            m.put("entries", cluster.policies().size());
            m.put("revision", c.revision());
            m.put("drops", new java.util.TreeMap<>(c.drops()));
            return m;
        }));
        s.put("conntrack", attempt(() -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (var c : cluster.conntrack()) {
                m.put(c.table(), ordered("entries", c.entries(), "tcp_syn", c.tcpSynOnly(), "tcp_established",
                        c.tcpEstablished(), "tcp_closing", c.tcpClosing(), "other", c.other()));
            }
            return m;
        }));
        Optional<FlowSource> flows = context.onDemand() ? Optional.empty() : context.flows().get();
        s.put("observer", flows.<Object>map(f -> {
            FlowSource.Stats st = f.stats();
            return ordered("events", st.events(), "flows", st.flows(), "lost", st.lostEvents(), "unparsed_l7", st.unparsedL7());
        }).orElse(null));
        if ("json".equals(output)) t.out().println(Json.of(s));
        else text(t, s, features);
        t.out().flush();
        return 0;
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    /** The section, or {@code {"error": message}} when it cannot be read (no pins, no permission). */
    private static Object attempt(java.util.function.Supplier<Object> section) {
        try {
            return section.get();
        } catch (RuntimeException e) {
            return Map.of("error", String.valueOf(e.getMessage()));
        }
    }

    @SuppressWarnings("unchecked")
    private static void text(Terminal t, Map<String, Object> s, Map<String, Object> features) {
        t.out().println(t.bold("Kernel:") + "        " + s.get("kernel") + (Boolean.TRUE.equals(s.get("btf")) ? ", BTF" : ", no BTF"));
        t.out().println(t.bold("Capabilities:") + "  " + s.get("capabilities"));
        t.out().println(t.bold("bpffs:") + "         " + (Boolean.TRUE.equals(s.get("bpffs"))
                ? t.green("mounted at /sys/fs/bpf") : t.red("not mounted (mount -t bpf bpf /sys/fs/bpf)")));
        List<List<String>> rows = new ArrayList<>();
        features.forEach((k, v) -> rows.add(List.of(k.substring(0, k.indexOf('/')), k.substring(k.indexOf('/') + 1), switch ((String) v) {
            case "available" -> t.green("available");
            case "not_supported" -> t.red("not supported");
            default -> t.yellow((String) v);
        })));
        t.table(List.of("FEATURE", "TYPE", "STATUS"), rows);
        Map<String, Object> o = (Map<String, Object>) s.get("objects");
        t.out().println(t.bold("BPF objects:") + "   " + (o.containsKey("error") ? t.yellow(String.valueOf(o.get("error")))
                : o.get("programs") + " programs, " + o.get("maps") + " maps, " + o.get("links") + " links"));
        Map<String, Object> lb = (Map<String, Object>) s.get("load_balancer");
        t.out().println(t.bold("Services:") + "      " + (lb.containsKey("error") ? t.yellow(String.valueOf(lb.get("error")))
                : lb.get("services") + " frontends, " + lb.get("backends") + " backends (pins under " + s.get("pin_dir") + ")"));
        Map<String, Object> p = (Map<String, Object>) s.get("policy");
        t.out().println(t.bold("Policy:") + "        " + (p.containsKey("error") ? t.yellow(String.valueOf(p.get("error")))
                : p.get("endpoints") + " endpoint addresses, " + p.get("entries") + " entries, revision " + p.get("revision")
                  + ", drops " + p.get("drops")));
        Map<String, Object> ct = (Map<String, Object>) s.get("conntrack");
        t.out().println(t.bold("Conntrack:") + "     " + (ct.containsKey("error") ? t.yellow(String.valueOf(ct.get("error")))
                : String.join("; ", ct.entrySet().stream().map(e -> {
                    Map<String, Object> c = (Map<String, Object>) e.getValue();
                    return e.getKey() + " " + c.get("entries") + " entries (TCP " + c.get("tcp_established") + " established, "
                            + c.get("tcp_syn") + " SYN, " + c.get("tcp_closing") + " closing; " + c.get("other") + " other)";
                }).toList())));
        Map<String, Object> obs = (Map<String, Object>) s.get("observer");
        t.out().println(t.bold("Observer:") + "      " + (obs == null ? t.yellow("not running")
                : obs.get("events") + " events, " + obs.get("flows") + " flows, "
                  + (((Number) obs.get("lost")).longValue() == 0 ? "0 lost" : t.red(obs.get("lost") + " lost")) + ", "
                  + obs.get("unparsed_l7") + " unparsed L7"));
    }
}
