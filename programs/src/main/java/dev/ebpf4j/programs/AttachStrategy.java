package dev.ebpf4j.programs;

/** How to attach where the kernel offers both a bpf_link and an older mechanism (XDP netlink, TC clsact). */
public enum AttachStrategy {
    /** A bpf_link when the kernel has that link type, else the older mechanism. */
    AUTO,
    /** Only a bpf_link; fails when the kernel has none for this hook. */
    LINK,
    /** Only the older mechanism (netlink). */
    NETLINK
}
