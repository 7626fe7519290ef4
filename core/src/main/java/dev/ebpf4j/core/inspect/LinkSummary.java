package dev.ebpf4j.core.inspect;

/**
 * What the kernel reports about a link ({@code struct bpf_link_info}), the fields common to every link type plus the
 * target of the networking ones. (The programs module's {@code LinkInfo} decodes every type's details for a link
 * you hold; this is the cheap view for walking all links by id.)
 *
 * @param id         link id
 * @param type       {@code enum bpf_link_type}, see {@link #typeName()}
 * @param programId  id of the attached program
 * @param cgroupId   for cgroup links the cgroup's id (its directory's inode), else 0
 * @param ifindex    for XDP, tcx and netkit links the interface index, else 0
 * @param attachType {@code enum bpf_attach_type} for cgroup, tcx and netkit links (46/47 tcx ingress/egress), else -1
 */
public record LinkSummary(int id, int type, int programId, long cgroupId, int ifindex, int attachType) {
    /** {@code BPF_LINK_TYPE_CGROUP}. */
    public static final int CGROUP = 3;
    /** {@code BPF_LINK_TYPE_XDP}. */
    public static final int XDP = 6;
    /** {@code BPF_LINK_TYPE_TCX}. */
    public static final int TCX = 11;
    /** {@code BPF_LINK_TYPE_NETKIT}. */
    public static final int NETKIT = 13;

    /** The kernel's link type name ({@code xdp}, {@code tcx}, ...). */
    public String typeName() {
        return switch (type) {
            case 1 -> "raw_tracepoint"; case 2 -> "tracing"; case 3 -> "cgroup"; case 4 -> "iter";
            case 5 -> "netns"; case 6 -> "xdp"; case 7 -> "perf_event"; case 8 -> "kprobe_multi";
            case 9 -> "struct_ops"; case 10 -> "netfilter"; case 11 -> "tcx"; case 12 -> "uprobe_multi";
            case 13 -> "netkit"; case 14 -> "sockmap"; default -> "type" + type;
        };
    }
}
