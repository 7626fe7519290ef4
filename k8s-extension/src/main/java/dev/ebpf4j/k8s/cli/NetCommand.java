package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.internal.NetAttachments;
import dev.ebpf4j.k8s.internal.Netns;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code ebpf4j net show}: the BPF programs on each network interface, as bpftool net show lists them: XDP (netlink
 * or link, with its mode), cls_bpf filters on the clsact hooks (priority, handle, direct action) and the tcx chains in
 * run order.
 */
@Command(name = "net", description = "Network attachments per interface.", mixinStandardHelpOptions = true)
final class NetCommand {
    private final CliContext context;

    NetCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "show", aliases = "list", description = "Show XDP, tc (cls_bpf) and tcx programs per interface.")
    int show(@Option(names = "--netns", paramLabel = "NAME",
                     description = "Look in this network namespace (ip netns name, or a path such as /proc/PID/ns/net).") String netns,
             @Option(names = {"-o", "--output"}, description = "table or json (one object per attachment).") String output) {
        Terminal t = context.terminal();
        List<NetAttachments.Attachment> all = netns == null ? NetAttachments.all() : Netns.call(netns, NetAttachments::all);
        if ("json".equals(output)) {
            for (NetAttachments.Attachment a : all) t.out().println(Json.of(json(a)));
            t.out().flush();
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (NetAttachments.Attachment a : all) {
            rows.add(List.of(a.devname() + "(" + a.ifindex() + ")", a.hook(), a.programName(), Integer.toString(a.programId()),
                    a.linkId() == 0 ? a.attach() : "link " + a.linkId(),
                    a.details().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
        }
        t.table(List.of("INTERFACE", "HOOK", "PROGRAM", "PROG_ID", "ATTACH", "DETAILS"), rows);
        return 0;
    }

    private static Map<String, Object> json(NetAttachments.Attachment a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ifindex", a.ifindex());
        m.put("devname", a.devname());
        m.put("hook", a.hook());
        m.put("prog_id", a.programId());
        m.put("prog_name", a.programName());
        m.put("attach", a.attach());
        m.put("link_id", a.linkId());
        m.putAll(a.details());
        return m;
    }
}
