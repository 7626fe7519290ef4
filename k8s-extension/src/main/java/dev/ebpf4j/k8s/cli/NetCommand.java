package dev.ebpf4j.k8s.cli;

import dev.ebpf4j.k8s.internal.BpfObjectInfo;
import dev.ebpf4j.k8s.internal.Interfaces;
import dev.ebpf4j.k8s.internal.Introspection;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code ebpf4j net show}: XDP, tcx and netkit attachments per interface (bpftool net show). Reads BPF links, so it
 * shows link-based attachments (what ebpf4j creates); netlink-attached XDP and cls_bpf filters are not listed.
 */
@Command(name = "net", description = "Network attachments per interface.", mixinStandardHelpOptions = true)
final class NetCommand {
    private final CliContext context;

    NetCommand(CliContext context) {
        this.context = context;
    }

    @Command(name = "show", aliases = "list", description = "Show XDP/tcx/netkit links per interface.")
    int show() {
        Terminal t = context.terminal();
        List<Integer> ids = Introspection.linkIds();
        List<List<String>> rows = new ArrayList<>();
        List<BpfObjectInfo.Link> links = new ArrayList<>();
        for (int id : ids) Introspection.link(id).filter(l -> l.ifindex() > 0).ifPresent(links::add);
        links.sort(Comparator.comparingInt(BpfObjectInfo.Link::ifindex).thenComparingInt(BpfObjectInfo.Link::id));
        for (BpfObjectInfo.Link l : links) {
            String prog = Introspection.program(l.programId()).map(p -> p.name()).orElse("?");
            rows.add(List.of(Interfaces.name(l.ifindex()) + "(" + l.ifindex() + ")", hook(l), prog,
                    Integer.toString(l.programId()), Integer.toString(l.id())));
        }
        t.table(List.of("INTERFACE", "HOOK", "PROGRAM", "PROG_ID", "LINK_ID"), rows);
        return 0;
    }

    static String hook(BpfObjectInfo.Link l) {
        return switch (l.typeName()) {
            case "xdp" -> "xdp";
            case "tcx" -> l.attachType() == 46 ? "tcx/ingress" : l.attachType() == 47 ? "tcx/egress" : "tcx";
            case "netkit" -> l.attachType() == 48 ? "netkit/primary" : "netkit/peer";
            default -> l.typeName();
        };
    }
}
