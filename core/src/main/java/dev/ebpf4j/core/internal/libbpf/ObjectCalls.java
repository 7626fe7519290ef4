package dev.ebpf4j.core.internal.libbpf;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.invoke.MethodHandle;

import static dev.ebpf4j.core.internal.libbpf.Native.C_BOOL;
import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;
import static dev.ebpf4j.core.internal.libbpf.Native.C_SIZE_T;

/**
 * Downcalls for {@code bpf_object__*}, {@code bpf_map__*} and {@code bpf_program__*} (libbpf.h, libbpf 1.4).
 * Handles are made when this class initializes, which is the first use of an object API, never at class load
 * of a public type.
 */
public final class ObjectCalls {
    private ObjectCalls() {}

    // struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz, const struct bpf_object_open_opts *opts)
    public static final MethodHandle OPEN_MEM = Native.downcallErrno("bpf_object__open_mem",
            FunctionDescriptor.of(C_POINTER, C_POINTER, C_SIZE_T, C_POINTER));
    public static final MethodHandle OPEN_FILE = Native.downcallErrno("bpf_object__open_file",
            FunctionDescriptor.of(C_POINTER, C_POINTER, C_POINTER));
    public static final MethodHandle LOAD = fn("bpf_object__load", C_INT, C_POINTER);
    public static final MethodHandle CLOSE = Native.downcall("bpf_object__close", FunctionDescriptor.ofVoid(C_POINTER));
    public static final MethodHandle OBJECT_NAME = fn("bpf_object__name", C_POINTER, C_POINTER);
    public static final MethodHandle OBJECT_BTF = fn("bpf_object__btf", C_POINTER, C_POINTER);
    public static final MethodHandle NEXT_MAP = fn("bpf_object__next_map", C_POINTER, C_POINTER, C_POINTER);
    public static final MethodHandle NEXT_PROGRAM = fn("bpf_object__next_program", C_POINTER, C_POINTER, C_POINTER);

    public static final MethodHandle MAP_NAME = fn("bpf_map__name", C_POINTER, C_POINTER);
    public static final MethodHandle MAP_TYPE = fn("bpf_map__type", C_INT, C_POINTER);
    public static final MethodHandle MAP_SET_TYPE = fn("bpf_map__set_type", C_INT, C_POINTER, C_INT);
    public static final MethodHandle MAP_KEY_SIZE = fn("bpf_map__key_size", C_INT, C_POINTER);
    public static final MethodHandle MAP_VALUE_SIZE = fn("bpf_map__value_size", C_INT, C_POINTER);
    public static final MethodHandle MAP_MAX_ENTRIES = fn("bpf_map__max_entries", C_INT, C_POINTER);
    public static final MethodHandle MAP_SET_MAX_ENTRIES = fn("bpf_map__set_max_entries", C_INT, C_POINTER, C_INT);
    public static final MethodHandle MAP_FLAGS = fn("bpf_map__map_flags", C_INT, C_POINTER);
    public static final MethodHandle MAP_SET_FLAGS = fn("bpf_map__set_map_flags", C_INT, C_POINTER, C_INT);
    public static final MethodHandle MAP_FD = fn("bpf_map__fd", C_INT, C_POINTER);
    public static final MethodHandle MAP_SET_PIN_PATH = fn("bpf_map__set_pin_path", C_INT, C_POINTER, C_POINTER);
    public static final MethodHandle MAP_PIN_PATH = fn("bpf_map__pin_path", C_POINTER, C_POINTER);
    public static final MethodHandle MAP_IS_PINNED = fn("bpf_map__is_pinned", C_BOOL, C_POINTER);
    public static final MethodHandle MAP_UNPIN = fn("bpf_map__unpin", C_INT, C_POINTER, C_POINTER);
    public static final MethodHandle MAP_IS_INTERNAL = fn("bpf_map__is_internal", C_BOOL, C_POINTER);
    public static final MethodHandle MAP_BTF_KEY_TYPE_ID = fn("bpf_map__btf_key_type_id", C_INT, C_POINTER);
    public static final MethodHandle MAP_BTF_VALUE_TYPE_ID = fn("bpf_map__btf_value_type_id", C_INT, C_POINTER);
    // void *bpf_map__initial_value(struct bpf_map *map, size_t *psize)
    public static final MethodHandle MAP_INITIAL_VALUE = fn("bpf_map__initial_value", C_POINTER, C_POINTER, C_POINTER);
    public static final MethodHandle MAP_SET_INITIAL_VALUE = fn("bpf_map__set_initial_value", C_INT, C_POINTER, C_POINTER, C_SIZE_T);
    public static final MethodHandle MAP_SET_AUTOCREATE = fn("bpf_map__set_autocreate", C_INT, C_POINTER, C_BOOL);
    public static final MethodHandle MAP_REUSE_FD = fn("bpf_map__reuse_fd", C_INT, C_POINTER, C_INT);

    public static final MethodHandle PROG_NAME = fn("bpf_program__name", C_POINTER, C_POINTER);
    public static final MethodHandle PROG_SECTION = fn("bpf_program__section_name", C_POINTER, C_POINTER);
    public static final MethodHandle PROG_TYPE = fn("bpf_program__type", C_INT, C_POINTER);
    public static final MethodHandle PROG_SET_TYPE = fn("bpf_program__set_type", C_INT, C_POINTER, C_INT);
    public static final MethodHandle PROG_ATTACH_TYPE = fn("bpf_program__expected_attach_type", C_INT, C_POINTER);
    public static final MethodHandle PROG_SET_ATTACH_TYPE = fn("bpf_program__set_expected_attach_type", C_INT, C_POINTER, C_INT);
    public static final MethodHandle PROG_AUTOLOAD = fn("bpf_program__autoload", C_BOOL, C_POINTER);
    public static final MethodHandle PROG_SET_AUTOLOAD = fn("bpf_program__set_autoload", C_INT, C_POINTER, C_BOOL);
    public static final MethodHandle PROG_FD = fn("bpf_program__fd", C_INT, C_POINTER);
    public static final MethodHandle PROG_INSN_CNT = fn("bpf_program__insn_cnt", C_SIZE_T, C_POINTER);
    public static final MethodHandle PROG_SET_ATTACH_TARGET = fn("bpf_program__set_attach_target", C_INT, C_POINTER, C_INT, C_POINTER);

    // const void *btf__raw_data(const struct btf *btf, __u32 *size)
    public static final MethodHandle BTF_RAW_DATA = fn("btf__raw_data", C_POINTER, C_POINTER, C_POINTER);

    static MethodHandle fn(String name, MemoryLayout result, MemoryLayout... args) {
        return Native.downcall(name, FunctionDescriptor.of(result, args));
    }
}
