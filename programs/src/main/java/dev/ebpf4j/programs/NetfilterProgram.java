package dev.ebpf4j.programs;

import dev.ebpf4j.core.AttachType;
import dev.ebpf4j.core.ProgramHandle;
import dev.ebpf4j.core.ProgramType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A netfilter hook program ({@code SEC("netfilter")}, Linux 6.4+ with CONFIG_NETFILTER_BPF_LINK): it returns a
 * netfilter verdict ({@code NF_DROP} 0, {@code NF_ACCEPT} 1) for each packet at a hook, ordered among the hook's other
 * functions (nftables, iptables, conntrack) by priority. The hook is in the network namespace of the thread that attaches.
 *
 * {@snippet class="dev.ebpf4j.programs.PackageSnippets" region="netfilter"}
 */
public final class NetfilterProgram extends Program {
    /** {@code BPF_F_NETFILTER_IP_DEFRAG}: the program sees reassembled IP packets (Linux 6.6+). */
    public static final int IP_DEFRAG = 1;
    private static final int LINK_CREATE_OPTS_SIZE = 80;

    /** The protocol family of a hook ({@code NFPROTO_*}). */
    public enum Family {
        IPV4(2), IPV6(10);

        private final int value;

        Family(int value) {
            this.value = value;
        }
    }

    /** The hook of a family ({@code NF_INET_*}). */
    public enum Hook {
        PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT, POST_ROUTING
    }

    private NetfilterProgram(ProgramHandle handle) {
        super(handle);
    }

    /** Narrows a loaded {@code netfilter} program. */
    public static NetfilterProgram of(ProgramHandle handle) {
        require(handle, "netfilter", ProgramType.NETFILTER);
        return new NetfilterProgram(handle);
    }

    /**
     * Attaches at {@code hook} of {@code family} in the calling thread's network namespace. {@code priority} orders it
     * among the hook's functions (lower runs first; {@code INT_MIN} and {@code INT_MAX} are reserved, and with
     * {@link #IP_DEFRAG} it must be above the defragmentation hook's -400); {@code flags} is 0 or {@link #IP_DEFRAG}.
     */
    public BpfLink attach(Family family, Hook hook, int priority, int flags) {
        if (priority == Integer.MIN_VALUE || priority == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("netfilter priority " + priority + " is reserved by the kernel: use a value "
                    + "strictly between Integer.MIN_VALUE and Integer.MAX_VALUE");
        }
        if ((flags & ~IP_DEFRAG) != 0) throw new IllegalArgumentException("unknown netfilter link flags 0x" + Integer.toHexString(flags));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(LINK_CREATE_OPTS_SIZE, 8);
            opts.set(ValueLayout.JAVA_LONG, 0, LINK_CREATE_OPTS_SIZE);
            opts.set(ValueLayout.JAVA_INT, 32, family.value);
            opts.set(ValueLayout.JAVA_INT, 36, hook.ordinal());
            opts.set(ValueLayout.JAVA_INT, 40, priority);
            opts.set(ValueLayout.JAVA_INT, 44, flags);
            return BpfLink.create("netfilter attach " + name() + " at " + family + " " + hook + " priority " + priority,
                    fd(), 0, AttachType.NETFILTER, opts);
        }
    }
}
