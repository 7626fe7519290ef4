package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;
import dev.ebpf4j.programs.internal.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An XDP program. Attaches to a network interface of the calling thread's network namespace as a bpf_link
 * (Linux 5.9+), falling back to netlink on older kernels.
 *
 * {@snippet :
 * XdpProgram xdp = XdpProgram.of(obj.program("xdp_drop"));
 * try (Link link = xdp.attach("veth0", XdpMode.NATIVE)) {
 *     // packets arriving on veth0 now run xdp_drop
 * }
 * }
 */
public final class XdpProgram extends Program {
    private XdpProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded program; throws {@link IllegalArgumentException} naming its type when it is not XDP. */
    public static XdpProgram of(ProgramHandle handle) {
        return new XdpProgram(require(handle, "XDP", ProgramType.XDP));
    }

    /** Attaches to the named interface with link-then-netlink and no replace. */
    public Link attach(String ifname, XdpMode mode) {
        return attach(Libc.ifindex(ifname), XdpOptions.defaults().mode(mode));
    }

    /** Attaches to the named interface with full options. */
    public Link attach(String ifname, XdpOptions options) {
        return attach(Libc.ifindex(ifname), options);
    }

    /** Attaches to an interface index of the calling thread's namespace. */
    public Link attach(int ifindex, XdpMode mode) {
        return attach(ifindex, XdpOptions.defaults().mode(mode));
    }

    /** Attaches with full options. */
    public Link attach(int ifindex, XdpOptions options) {
        if (options.strategy() != AttachStrategy.NETLINK) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment opts = arena.allocate(80, 8);
                opts.set(ValueLayout.JAVA_LONG, 0, 80);
                opts.set(ValueLayout.JAVA_INT, 8, options.mode().flag());
                return BpfLink.create("xdp link attach " + name() + " to ifindex " + ifindex, fd(), ifindex,
                        AttachType.XDP, opts);
            } catch (BpfException e) {
                // Kernels before 5.9 reject BPF_LINK_CREATE for XDP with EINVAL; everything else is a real error.
                if (options.strategy() == AttachStrategy.LINK || e.errno() != Errno.EINVAL) throw e;
            }
        }
        return NetlinkXdpLink.attach(this, ifindex, options);
    }
}
