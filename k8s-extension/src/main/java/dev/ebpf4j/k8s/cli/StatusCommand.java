package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.core.features.Availability;
import dev.ebpf4j.core.features.Capability;
import dev.ebpf4j.core.features.Features;
import dev.ebpf4j.k8s.internal.Introspection;
import dev.ebpf4j.k8s.observe.FlowSource;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code ebpf4j status}: kernel features, BPF objects, agent and observer counters (cilium status). */
@Command(name = "status", description = "Kernel features, BPF objects and datapath counters.", mixinStandardHelpOptions = true)
final class StatusCommand implements Callable<Integer> {
    private static final List<ProgramType> PROGRAMS = List.of(ProgramType.XDP, ProgramType.SCHED_CLS,
            ProgramType.CGROUP_SOCK_ADDR, ProgramType.TRACEPOINT, ProgramType.RAW_TRACEPOINT, ProgramType.SOCK_OPS,
            ProgramType.KPROBE, ProgramType.TRACING);
    private static final List<MapType> MAPS = List.of(MapType.HASH, MapType.LRU_HASH, MapType.LPM_TRIE,
            MapType.RINGBUF, MapType.PERCPU_ARRAY, MapType.SOCKHASH);

    private final CliContext context;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Terminal t = context.terminal();
        t.out().println(t.bold("Kernel:") + "        " + Features.kernelVersion() + (Features.kernelBtf() ? ", BTF" : ", no BTF"));
        Set<Capability> caps = Features.capabilities();
        t.out().println(t.bold("Capabilities:") + "  " + caps.stream().map(Enum::name).sorted().toList());
        t.out().println(t.bold("bpffs:") + "         " + (Features.bpffsMounted(Path.of("/sys/fs/bpf"))
                ? t.green("mounted at /sys/fs/bpf") : t.red("not mounted (mount -t bpf bpf /sys/fs/bpf)")));
        List<List<String>> rows = new ArrayList<>();
        List<Object> all = new ArrayList<>(PROGRAMS);
        all.addAll(MAPS);
        for (int i = 0; i < all.size(); i++) {
            t.progress("probing features", i + 1, all.size());
            Object f = all.get(i);
            Availability a = f instanceof ProgramType p ? Features.probe(p) : Features.probe((MapType) f);
            String kind = f instanceof ProgramType ? "program" : "map";
            rows.add(List.of(kind, ((Enum<?>) f).name().toLowerCase(java.util.Locale.ROOT), switch (a) {
                case AVAILABLE -> t.green("available");
                case NOT_SUPPORTED -> t.red("not supported");
                case INCONCLUSIVE -> t.yellow("inconclusive");
            }));
        }
        t.table(List.of("FEATURE", "TYPE", "STATUS"), rows);
        try {
            t.out().println(t.bold("BPF objects:") + "   " + Introspection.programIds().size() + " programs, "
                    + Introspection.mapIds().size() + " maps, " + Introspection.linkIds().size() + " links");
        } catch (RuntimeException e) {
            t.out().println(t.bold("BPF objects:") + "   " + t.red("cannot list: " + e.getMessage()));
        }
        t.out().println(t.bold("Agent:") + "         " + (context.cluster().connected()
                ? t.green("connected") + ", " + context.cluster().services().size() + " services, "
                  + context.cluster().endpoints().size() + " endpoints"
                : t.yellow("not connected (standalone CLI)")));
        var flows = context.onDemand() ? java.util.Optional.<FlowSource>empty() : context.flows().get();
        if (flows.isPresent()) {
            FlowSource.Stats s = flows.get().stats();
            t.out().println(t.bold("Observer:") + "      " + s.events() + " events, " + s.flows() + " flows, "
                    + (s.lostEvents() == 0 ? "0 lost" : t.red(s.lostEvents() + " lost")) + ", " + s.unparsedL7() + " unparsed L7");
        } else {
            t.out().println(t.bold("Observer:") + "      " + t.yellow("not running"));
        }
        t.out().flush();
        return 0;
    }

    static int notConnected(Terminal t) {
        t.err().println("error: not connected to an ebpf4j agent: this view reads the agent's state (run it inside the agent process)");
        return 1;
    }
}
