package dev.ebpf4j.k8s.internal;

import java.util.List;
import java.util.Map;

/**
 * The BPF programs attached to the network interfaces of the calling thread's namespace, as {@code bpftool net show}
 * finds them; the CLI's view of the SDK's {@link dev.ebpf4j.programs.net.NetAttachments}.
 */
public final class NetAttachments {
    /** One program on one interface hook; see {@link dev.ebpf4j.programs.net.NetAttachments.Attachment}. */
    public record Attachment(int ifindex, String devname, String hook, int programId, String programName, String attach,
                             int linkId, Map<String, Object> details) {
        public Attachment {
            details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
        }

        static Attachment of(dev.ebpf4j.programs.net.NetAttachments.Attachment a) {
            return new Attachment(a.ifindex(), a.devname(), a.hook(), a.programId(), a.programName(), a.attach(), a.linkId(),
                    a.details());
        }
    }

    private NetAttachments() {}

    /** Every attachment of every interface of this thread's namespace, by interface, then XDP, tc, tcx. */
    public static List<Attachment> all() {
        return dev.ebpf4j.programs.net.NetAttachments.all().stream().map(Attachment::of).toList();
    }

    /** The tcx programs of one interface of this thread's namespace, ingress then egress, each chain in run order. */
    public static List<Attachment> tcx(Interfaces.Interface i) {
        return dev.ebpf4j.programs.net.NetAttachments.tcx(new dev.ebpf4j.programs.net.Interfaces.Interface(i.index(), i.name()))
                .stream().map(Attachment::of).toList();
    }
}
