package dev.ebpf4j.programs;

/**
 * The kind of an attachment: the kernel's {@code enum bpf_link_type} for bpf_links, plus the older attach
 * mechanisms that are not links.
 */
public enum LinkType {
    UNSPEC, RAW_TRACEPOINT, TRACING, CGROUP, ITER, NETNS, XDP, PERF_EVENT, KPROBE_MULTI, STRUCT_OPS, NETFILTER, TCX,
    UPROBE_MULTI, NETKIT, SOCKMAP,
    /** XDP attached through netlink ({@code IFLA_XDP}). */
    NETLINK_XDP,
    /** A cls_bpf filter on a clsact qdisc, attached through netlink. */
    NETLINK_TC,
    /** {@code SO_ATTACH_BPF} on a socket. */
    SOCKET_FILTER,
    /** {@code BPF_PROG_ATTACH} (cgroup or sockmap attach without a link). */
    PROG_ATTACH,
    /** A link type newer than this library. */
    UNKNOWN;

    private static final int KERNEL_TYPES = SOCKMAP.ordinal() + 1;

    /** Whether this is a kernel bpf_link type. */
    public boolean isKernelLink() {
        return ordinal() < KERNEL_TYPES;
    }

    /** Whether the kernel can swap the program of such a link ({@code BPF_LINK_UPDATE}). */
    public boolean supportsUpdate() {
        return this == CGROUP || this == XDP || this == NETNS || this == TCX || this == SOCKMAP || this == ITER
                || this == NETKIT || this == NETLINK_XDP;
    }

    /** The type for the kernel's number. */
    public static LinkType ofKernel(int value) {
        return value >= 0 && value < KERNEL_TYPES ? values()[value] : UNKNOWN;
    }
}
