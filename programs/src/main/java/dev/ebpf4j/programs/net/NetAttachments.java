package dev.ebpf4j.programs.net;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.inspect.KernelObjects;
import dev.ebpf4j.core.inspect.LinkSummary;
import dev.ebpf4j.core.inspect.ProgramInfo;
import dev.ebpf4j.core.internal.libbpf.Native;
import dev.ebpf4j.programs.internal.TcFilterDump;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * The BPF programs attached to the network interfaces of the calling thread's namespace, as bpftool {@code net show}
 * finds them: XDP from the interface's {@code IFLA_XDP} (libbpf {@code bpf_xdp_query}, whether attached through
 * netlink or a link), cls_bpf filters of the clsact hooks ({@code RTM_GETTFILTER}) and the tcx chains in run order
 * ({@code BPF_PROG_QUERY}).
 */
public final class NetAttachments {
    private static final int XDP_ATTACHED_DRV = 1, XDP_ATTACHED_SKB = 2, XDP_ATTACHED_HW = 3, XDP_ATTACHED_MULTI = 4;
    private static final int TCX_INGRESS = 46, TCX_EGRESS = 47, LINK_TYPE_XDP = 6, MAX_PROGS = 64;

    private static final class H {
        static final MethodHandle XDP_QUERY = Native.downcall("bpf_xdp_query", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_POINTER));
        static final MethodHandle PROG_QUERY = Native.downcall("bpf_prog_query_opts", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_POINTER));
    }

    /**
     * One program on one interface hook.
     *
     * @param ifindex     interface index
     * @param devname     interface name
     * @param hook        {@code xdp}, {@code tc/ingress}, {@code tc/egress}, {@code tcx/ingress}, {@code tcx/egress}
     * @param programId   program id
     * @param programName the program's kernel name (cut at 15 characters), {@code ?} if it went away meanwhile
     * @param attach      {@code link} (a BPF link holds it), {@code netlink} (XDP or cls_bpf through netlink) or
     *                    {@code prog} (tcx attached without a link)
     * @param linkId      the link's id, 0 when not a link
     * @param details     hook-specific fields: XDP {@code mode}; tc {@code prio}, {@code handle}, {@code chain},
     *                    {@code direct_action}, {@code filter_name}; tcx {@code position} (0 runs first)
     */
    public record Attachment(int ifindex, String devname, String hook, int programId, String programName, String attach,
                             int linkId, Map<String, Object> details) {
        public Attachment {
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    private NetAttachments() {}

    /** Every attachment of every interface of this thread's namespace, by interface, then XDP, tc, tcx. */
    public static List<Attachment> all() {
        List<LinkSummary> xdpLinks = new ArrayList<>();
        for (int id : KernelObjects.linkIds()) {
            KernelObjects.link(id).filter(l -> l.type() == LinkSummary.XDP).ifPresent(xdpLinks::add);
        }
        List<Attachment> out = new ArrayList<>();
        for (Interfaces.Interface i : Interfaces.all()) {
            xdp(i, xdpLinks, out);
            for (boolean ingress : new boolean[] {true, false}) {
                for (TcFilterDump.Filter f : TcFilterDump.list(i.index(), ingress)) {
                    if (f.programId() == 0) continue; // not cls_bpf
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("prio", f.priority());
                    d.put("handle", "0x" + Integer.toHexString(f.handle()));
                    d.put("chain", f.chain());
                    d.put("direct_action", f.directAction());
                    d.put("filter_name", f.name());
                    out.add(new Attachment(i.index(), i.name(), ingress ? "tc/ingress" : "tc/egress", f.programId(),
                            programName(f.programId()), "netlink", 0, d));
                }
            }
            out.addAll(tcx(i));
        }
        return out;
    }

    /** The tcx programs of one interface of this thread's namespace, ingress then egress, each chain in run order. */
    public static List<Attachment> tcx(Interfaces.Interface i) {
        List<Attachment> out = new ArrayList<>();
        tcx(i, TCX_INGRESS, "tcx/ingress", out);
        tcx(i, TCX_EGRESS, "tcx/egress", out);
        return out;
    }

    private static void xdp(Interfaces.Interface i, List<LinkSummary> links, List<Attachment> out) {
        try (Arena arena = Arena.ofConfined()) {
            // sz stops before feature_flags: asking for those makes libbpf query the netdev genl family as well
            MemorySegment opts = arena.allocate(48, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 32);
            int r = (int) H.XDP_QUERY.invokeExact(i.index(), 0, opts);
            if (r == -Errno.ENODEV) return; // gone meanwhile
            if (r < 0) throw BpfException.of("xdp query " + i.name(), r);
            int mode = Byte.toUnsignedInt(opts.get(ValueLayout.JAVA_BYTE, 24));
            if (mode == XDP_ATTACHED_MULTI) {
                xdp(i, opts.get(ValueLayout.JAVA_INT, 12), "driver", links, out);
                xdp(i, opts.get(ValueLayout.JAVA_INT, 20), "generic", links, out);
                xdp(i, opts.get(ValueLayout.JAVA_INT, 16), "offload", links, out);
            } else if (mode != 0) {
                xdp(i, opts.get(ValueLayout.JAVA_INT, 8), switch (mode) {
                    case XDP_ATTACHED_DRV -> "driver";
                    case XDP_ATTACHED_SKB -> "generic";
                    case XDP_ATTACHED_HW -> "offload";
                    default -> "mode" + mode;
                }, links, out);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static void xdp(Interfaces.Interface i, int progId, String mode, List<LinkSummary> links, List<Attachment> out) {
        if (progId == 0) return;
        // link info gives the ifindex but not its namespace: a same-index interface elsewhere could match too
        int linkId = links.stream().filter(l -> l.ifindex() == i.index() && l.programId() == progId)
                .mapToInt(LinkSummary::id).findFirst().orElse(0);
        out.add(new Attachment(i.index(), i.name(), "xdp", progId, programName(progId), linkId == 0 ? "netlink" : "link",
                linkId, Map.of("mode", mode)));
    }

    private static void tcx(Interfaces.Interface i, int attachType, String hook, List<Attachment> out) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment progs = arena.allocate(4L * MAX_PROGS, 4), linkIds = arena.allocate(4L * MAX_PROGS, 4);
            MemorySegment opts = arena.allocate(64, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 64);
            opts.set(ValueLayout.ADDRESS, 16, progs);
            opts.set(ValueLayout.JAVA_INT, 24, MAX_PROGS);
            opts.set(ValueLayout.ADDRESS, 40, linkIds);
            int r = (int) H.PROG_QUERY.invokeExact(i.index(), attachType, opts);
            if (r == -Errno.EINVAL || r == -Errno.ENODEV) return; // no tcx (before 6.6) or interface gone
            if (r < 0) throw BpfException.of("tcx query " + i.name(), r);
            int n = Math.min(opts.get(ValueLayout.JAVA_INT, 24), MAX_PROGS);
            for (int k = 0; k < n; k++) {
                int prog = progs.getAtIndex(ValueLayout.JAVA_INT, k), link = linkIds.getAtIndex(ValueLayout.JAVA_INT, k);
                out.add(new Attachment(i.index(), i.name(), hook, prog, programName(prog), link == 0 ? "prog" : "link", link,
                        Map.of("position", k)));
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static String programName(int id) {
        return KernelObjects.program(id).map(ProgramInfo::name).orElse("?");
    }
}
