package dev.ebpf4j.core;

import dev.ebpf4j.core.features.Capability;

import java.util.List;
import java.util.Locale;

/**
 * The kernel refused an operation for lack of privilege ({@code EPERM}/{@code EACCES}).
 * {@link #missing()} names what is missing: a capability such as {@code CAP_BPF}, or a limit such as
 * {@code RLIMIT_MEMLOCK} or kernel lockdown, judged from the operation and this process's effective capabilities.
 */
public final class PermissionException extends BpfException {
    private final String missing;

    private PermissionException(String operation, int errno, String missing, String hint) {
        super(operation, errno, hint, null);
        this.missing = missing;
    }

    /** What is missing: {@code "CAP_BPF"}, {@code "CAP_NET_ADMIN"}, {@code "CAP_PERFMON"}, {@code "CAP_SYS_ADMIN"} or a limit. */
    public String missing() {
        return missing;
    }

    /** Builds the exception for a failed operation, naming the first required capability this process lacks. */
    public static PermissionException forOperation(String operation, int errno, String hint) {
        List<Capability> needed = requiredFor(operation);
        for (Capability cap : needed) {
            // The kernel accepts CAP_SYS_ADMIN in place of each of CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON.
            if (!Capability.effective().contains(cap) && !Capability.effective().contains(Capability.CAP_SYS_ADMIN)) {
                return new PermissionException(operation, errno, cap.name(),
                        join("needs " + cap.name() + ", which this process does not have", hint));
            }
        }
        String why = errno == Errno.EACCES
                ? "the kernel denied access: for a program load this is usually the verifier, for a file a permission"
                : "all required capabilities (" + needed + ") are present; check RLIMIT_MEMLOCK on kernels before 5.11,"
                + " kernel lockdown, and kernel.unprivileged_bpf_disabled";
        return new PermissionException(operation, errno, errno == Errno.EACCES ? "access" : "RLIMIT_MEMLOCK or lockdown",
                join(why, hint));
    }

    /** For a capability known to be missing before any call. */
    public static PermissionException missingCapability(String operation, Capability capability) {
        return new PermissionException(operation, Errno.EPERM, capability.name(),
                "needs " + capability.name() + ", which this process does not have");
    }

    private static String join(String a, String b) {
        return b == null || b.isEmpty() ? a : a + "; " + b;
    }

    private static List<Capability> requiredFor(String operation) {
        // A program load names its type, "(XDP)": the kernel's own lists decide (is_net_admin_prog_type and
        // is_perfmon_prog_type in kernel/bpf/syscall.c); socket filters, cgroup skb and sk_lookup need only CAP_BPF.
        for (ProgramType type : ProgramType.values()) {
            if (operation.endsWith("(" + type + ")")) {
                return switch (type) {
                    case KPROBE, TRACEPOINT, PERF_EVENT, RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE, TRACING, LSM, STRUCT_OPS, EXT ->
                            List.of(Capability.CAP_BPF, Capability.CAP_PERFMON);
                    case SCHED_CLS, SCHED_ACT, XDP, LWT_IN, LWT_OUT, LWT_XMIT, LWT_SEG6LOCAL, SK_SKB, SK_MSG,
                         FLOW_DISSECTOR, CGROUP_DEVICE, CGROUP_SOCK, CGROUP_SOCK_ADDR, CGROUP_SOCKOPT, CGROUP_SYSCTL,
                         SOCK_OPS, NETFILTER -> List.of(Capability.CAP_BPF, Capability.CAP_NET_ADMIN);
                    default -> List.of(Capability.CAP_BPF);
                };
            }
        }
        // Map creation: these types need CAP_NET_ADMIN besides CAP_BPF (map_create in kernel/bpf/syscall.c).
        for (String netMap : List.of("(SOCKMAP)", "(SOCKHASH)", "(DEVMAP)", "(DEVMAP_HASH)", "(XSKMAP)")) {
            if (operation.endsWith(netMap)) return List.of(Capability.CAP_BPF, Capability.CAP_NET_ADMIN);
        }
        String op = operation.toLowerCase(Locale.ROOT);
        // Entering a network namespace (attach and detach return to the namespace they were made in).
        if (op.startsWith("setns")) return List.of(Capability.CAP_SYS_ADMIN);
        // Walking or opening other processes' objects by id (bpftool-like views): BPF_*_GET_NEXT_ID, BPF_*_GET_FD_BY_ID.
        if (op.contains("get next id") || op.contains("open by id")) return List.of(Capability.CAP_SYS_ADMIN);
        if (op.contains("kprobe") || op.contains("uprobe") || op.contains("tracepoint") || op.contains("perf")
                || op.contains("fentry") || op.contains("fexit") || op.contains("raw_tp")) {
            return List.of(Capability.CAP_BPF, Capability.CAP_PERFMON);
        }
        if (op.contains("xdp") || op.contains("tc") || op.contains("netlink") || op.contains("sk_")
                || op.contains("sock") || op.contains("cgroup") || op.contains("attach")) {
            return List.of(Capability.CAP_BPF, Capability.CAP_NET_ADMIN);
        }
        return List.of(Capability.CAP_BPF);
    }
}
