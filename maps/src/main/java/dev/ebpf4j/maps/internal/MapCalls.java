package dev.ebpf4j.maps.internal;

import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_LONG;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * libbpf's low-level map syscall wrappers. They return {@code -errno} (libbpf 1.x), so no errno capture is needed.
 * Element operations are bound as critical calls: they never block for long, and skipping the thread state
 * transition is a measurable share of a ~500 ns syscall.
 */
public final class MapCalls {
    private MapCalls() {}

    @SuppressWarnings("restricted")
    private static MethodHandle critical(String name, FunctionDescriptor fd) {
        MemorySegment sym = Native.libbpf().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name));
        return Native.LINKER.downcallHandle(sym, fd, Linker.Option.critical(false));
    }

    public static final MethodHandle LOOKUP = critical("bpf_map_lookup_elem",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    public static final MethodHandle LOOKUP_FLAGS = critical("bpf_map_lookup_elem_flags",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_LONG));
    public static final MethodHandle UPDATE = critical("bpf_map_update_elem",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_LONG));
    public static final MethodHandle DELETE = critical("bpf_map_delete_elem",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
    public static final MethodHandle LOOKUP_AND_DELETE = critical("bpf_map_lookup_and_delete_elem",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    public static final MethodHandle NEXT_KEY = critical("bpf_map_get_next_key",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    public static final MethodHandle FREEZE = Native.downcall("bpf_map_freeze", FunctionDescriptor.of(C_INT, C_INT));
    public static final MethodHandle CREATE = Native.downcall("bpf_map_create",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT, C_INT, C_INT, C_POINTER));
    public static final MethodHandle LOOKUP_BATCH = Native.downcall("bpf_map_lookup_batch",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));
    public static final MethodHandle LOOKUP_AND_DELETE_BATCH = Native.downcall("bpf_map_lookup_and_delete_batch",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));
    public static final MethodHandle UPDATE_BATCH = Native.downcall("bpf_map_update_batch",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER));
    public static final MethodHandle DELETE_BATCH = Native.downcall("bpf_map_delete_batch",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER));
    public static final MethodHandle OBJ_PIN = Native.downcall("bpf_obj_pin", FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
    public static final MethodHandle OBJ_GET = Native.downcall("bpf_obj_get", FunctionDescriptor.of(C_INT, C_POINTER));
    public static final MethodHandle OBJ_GET_OPTS = Native.downcall("bpf_obj_get_opts",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    public static final MethodHandle FD_BY_ID = Native.downcall("bpf_map_get_fd_by_id", FunctionDescriptor.of(C_INT, C_INT));
    public static final MethodHandle INFO_BY_FD = Native.downcall("bpf_obj_get_info_by_fd",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
    public static final MethodHandle TEST_RUN = Native.downcall("bpf_prog_test_run_opts",
            FunctionDescriptor.of(C_INT, C_INT, C_POINTER));
}
