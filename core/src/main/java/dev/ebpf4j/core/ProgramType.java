package dev.ebpf4j.core;

/**
 * The kernel's program types ({@code enum bpf_prog_type}); {@link #value()} is the kernel number.
 * A test checks every constant against the running kernel's BTF.
 */
public enum ProgramType {
    UNSPEC, SOCKET_FILTER, KPROBE, SCHED_CLS, SCHED_ACT, TRACEPOINT, XDP, PERF_EVENT, CGROUP_SKB, CGROUP_SOCK,
    LWT_IN, LWT_OUT, LWT_XMIT, SOCK_OPS, SK_SKB, CGROUP_DEVICE, SK_MSG, RAW_TRACEPOINT, CGROUP_SOCK_ADDR,
    LWT_SEG6LOCAL, LIRC_MODE2, SK_REUSEPORT, FLOW_DISSECTOR, CGROUP_SYSCTL, RAW_TRACEPOINT_WRITABLE,
    CGROUP_SOCKOPT, TRACING, STRUCT_OPS, EXT, LSM, SK_LOOKUP, SYSCALL, NETFILTER;

    /** The kernel's number for this type. */
    public int value() {
        return ordinal();
    }

    /** The type for a kernel number. */
    public static ProgramType of(int value) {
        ProgramType[] all = values();
        if (value < 0 || value >= all.length) throw new IllegalArgumentException("unknown program type " + value);
        return all[value];
    }
}
