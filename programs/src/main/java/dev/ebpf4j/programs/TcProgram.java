package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;
import dev.ebpf4j.programs.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A TC classifier ({@code sched_cls}) program. Attaches as a tcx link on Linux 6.6+, otherwise as a cls_bpf filter
 * (direct action) on a clsact qdisc through netlink. Neither path ever removes a qdisc or filter it did not create.
 *
 * {@snippet :
 * TcProgram tc = TcProgram.of(obj.program("tc_count"));
 * try (Link link = tc.attach("veth0", TcDirection.INGRESS)) {
 *     // ...
 * }
 * }
 */
public final class TcProgram extends Program {
    private static final int BPF_F_BEFORE = 1 << 3, BPF_F_AFTER = 1 << 4, BPF_F_LINK = 1 << 13;

    private TcProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code sched_cls} program. */
    public static TcProgram of(ProgramHandle handle) {
        return new TcProgram(require(handle, "TC (sched_cls)", ProgramType.SCHED_CLS));
    }

    /** Attaches to the named interface of the calling thread's namespace with default options. */
    public Link attach(String ifname, TcDirection direction) {
        return attach(Libc.ifindex(ifname), direction, TcOptions.defaults());
    }

    /** Attaches to the named interface. */
    public Link attach(String ifname, TcDirection direction, TcOptions options) {
        return attach(Libc.ifindex(ifname), direction, options);
    }

    /** Attaches to an interface index of the calling thread's namespace. */
    public Link attach(int ifindex, TcDirection direction, TcOptions options) {
        boolean tcx = switch (options.strategy()) {
            case LINK -> true;
            case NETLINK -> false;
            case AUTO -> hasTcx(ifindex, direction);
        };
        if (!tcx) {
            if (options.anchor().isPresent()) {
                throw new IllegalArgumentException("before/after ordering needs tcx; netlink filters order by priority");
            }
            return NetlinkTcLink.attach(this, ifindex, direction, options.priority(), options.handle());
        }
        if (options.strategy() == AttachStrategy.LINK && !hasTcx(ifindex, direction)) {
            throw NotSupportedException.missing("tcx attach", "tcx links", "6.6");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(80, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 80);
            options.anchor().ifPresent(a -> {
                int flags = a.before() ? BPF_F_BEFORE : BPF_F_AFTER;
                if (a.link() != null) flags |= BPF_F_LINK;
                opts.set(ValueLayout.JAVA_INT, 8, flags);
                opts.set(ValueLayout.JAVA_INT, 32, a.link() != null ? a.link().fd() : a.program().fd());
            });
            return BpfLink.create("tcx attach " + name() + " to ifindex " + ifindex + " " + direction, fd(), ifindex,
                    direction.tcxAttachType(), opts);
        }
    }

    /**
     * Attaches to one side of a netkit pair with a netkit link (Linux 6.7+): the program's verdict ({@code TC_ACT_OK}
     * pass, {@code TC_ACT_SHOT} drop, {@code TC_ACT_REDIRECT}, {@code TC_ACT_UNSPEC} for the next program or the
     * device policy) applies to every packet that side transmits. Load it from a {@code SEC("netkit/primary")} or
     * {@code SEC("netkit/peer")} section. Call from the primary device's network namespace.
     */
    public BpfLink attachNetkit(NetkitDevice device, NetkitDevice.Side side) {
        return attachNetkit(device.ifindex(), side);
    }

    /** Attaches to a side of the netkit pair whose primary device has index {@code primaryIfindex}. */
    public BpfLink attachNetkit(int primaryIfindex, NetkitDevice.Side side) {
        dev.ebpf4j.core.AttachType type = side == NetkitDevice.Side.PRIMARY
                ? dev.ebpf4j.core.AttachType.NETKIT_PRIMARY : dev.ebpf4j.core.AttachType.NETKIT_PEER;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(80, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 80);
            return BpfLink.create("netkit attach " + name() + " to ifindex " + primaryIfindex + " " + side, fd(),
                    primaryIfindex, type, opts);
        }
    }

    /**
     * Whether the kernel has tcx: a {@code BPF_PROG_QUERY} for the tcx attach type on the interface succeeds on
     * Linux 6.6+ and fails with {@code EINVAL} before.
     */
    public static boolean hasTcx(int ifindex, TcDirection direction) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(64, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, 64);
            int r = Calls.raw(() -> (int) PROG_QUERY.invokeExact(ifindex, direction.tcxAttachType().value(), opts));
            if (r == 0) return true;
            if (r == -Errno.EINVAL) return false;
            throw BpfException.of("tcx probe on ifindex " + ifindex, r);
        }
    }

    private static final java.lang.invoke.MethodHandle PROG_QUERY = dev.ebpf4j.core.internal.libbpf.Native.downcall(
            "bpf_prog_query_opts", java.lang.foreign.FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
}
