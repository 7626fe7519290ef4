package dev.ebpf4j.programs.internal;

import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.invoke.MethodHandle;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * Downcalls into libbpf's fd-based low-level API (bpf.h, libbpf.h of the bundled 1.4.6): links, program attach,
 * pinning, object info, XDP and TC netlink, and test runs. All return {@code -errno} on failure.
 */
public final class LinkCalls {
    private LinkCalls() {}

    public static final MethodHandle LINK_CREATE = fn("bpf_link_create", C_INT, C_INT, C_INT, C_INT, C_POINTER);
    public static final MethodHandle ITER_CREATE = fn("bpf_iter_create", C_INT, C_INT);
    public static final MethodHandle ATTACH_STRUCT_OPS = Native.downcallErrno("bpf_map__attach_struct_ops",
            FunctionDescriptor.of(C_POINTER, C_POINTER));
    public static final MethodHandle LIBBPF_LINK_FD = fn("bpf_link__fd", C_INT, C_POINTER);
    public static final MethodHandle LIBBPF_LINK_DISCONNECT = Native.downcall("bpf_link__disconnect", FunctionDescriptor.ofVoid(C_POINTER));
    public static final MethodHandle LIBBPF_LINK_DESTROY = fn("bpf_link__destroy", C_INT, C_POINTER);
    public static final MethodHandle LINK_UPDATE = fn("bpf_link_update", C_INT, C_INT, C_INT, C_POINTER);
    public static final MethodHandle LINK_DETACH = fn("bpf_link_detach", C_INT, C_INT);
    public static final MethodHandle OBJ_PIN = fn("bpf_obj_pin", C_INT, C_INT, C_POINTER);
    public static final MethodHandle OBJ_GET = fn("bpf_obj_get", C_INT, C_POINTER);
    public static final MethodHandle OBJ_GET_INFO = fn("bpf_obj_get_info_by_fd", C_INT, C_INT, C_POINTER, C_POINTER);
    public static final MethodHandle PROG_ATTACH_OPTS = fn("bpf_prog_attach_opts", C_INT, C_INT, C_INT, C_INT, C_POINTER);
    public static final MethodHandle PROG_DETACH_OPTS = fn("bpf_prog_detach_opts", C_INT, C_INT, C_INT, C_INT, C_POINTER);
    public static final MethodHandle RAW_TRACEPOINT_OPEN = fn("bpf_raw_tracepoint_open", C_INT, C_POINTER, C_INT);
    public static final MethodHandle XDP_ATTACH = fn("bpf_xdp_attach", C_INT, C_INT, C_INT, C_INT, C_POINTER);
    public static final MethodHandle XDP_DETACH = fn("bpf_xdp_detach", C_INT, C_INT, C_INT, C_POINTER);
    public static final MethodHandle XDP_QUERY = fn("bpf_xdp_query", C_INT, C_INT, C_INT, C_POINTER);
    public static final MethodHandle TC_HOOK_CREATE = fn("bpf_tc_hook_create", C_INT, C_POINTER);
    public static final MethodHandle TC_ATTACH = fn("bpf_tc_attach", C_INT, C_POINTER, C_POINTER);
    public static final MethodHandle TC_DETACH = fn("bpf_tc_detach", C_INT, C_POINTER, C_POINTER);
    public static final MethodHandle TC_QUERY = fn("bpf_tc_query", C_INT, C_POINTER, C_POINTER);
    public static final MethodHandle PROG_TEST_RUN = fn("bpf_prog_test_run_opts", C_INT, C_INT, C_POINTER);

    private static MethodHandle fn(String name, MemoryLayout result, MemoryLayout... args) {
        return Native.downcall(name, FunctionDescriptor.of(result, args));
    }
}
