package dev.ebpf4j.core.internal.libbpf;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/** Downcalls for libbpf's BTF API (btf.h) and the libc stdio calls used to dump C from it. */
public final class BtfCalls {
    private BtfCalls() {}

    // struct btf *btf__parse(const char *path, struct btf_ext **btf_ext)
    public static final MethodHandle PARSE = Native.downcallErrno("btf__parse",
            FunctionDescriptor.of(C_POINTER, C_POINTER, C_POINTER));
    public static final MethodHandle FREE = Native.downcall("btf__free", FunctionDescriptor.ofVoid(C_POINTER));
    public static final MethodHandle TYPE_CNT = ObjectCalls.fn("btf__type_cnt", C_INT, C_POINTER);
    // struct btf_dump *btf_dump__new(const struct btf *btf, btf_dump_printf_fn_t printf_fn, void *ctx, const struct btf_dump_opts *opts)
    public static final MethodHandle DUMP_NEW = Native.downcallErrno("btf_dump__new",
            FunctionDescriptor.of(C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER));
    public static final MethodHandle DUMP_TYPE = ObjectCalls.fn("btf_dump__dump_type", C_INT, C_POINTER, C_INT);
    public static final MethodHandle DUMP_FREE = Native.downcall("btf_dump__free", FunctionDescriptor.ofVoid(C_POINTER));

    public static final MethodHandle FOPEN = Native.libcErrno("fopen", FunctionDescriptor.of(C_POINTER, C_POINTER, C_POINTER));
    public static final MethodHandle FPUTS = Native.libc("fputs", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
    public static final MethodHandle FCLOSE = Native.libc("fclose", FunctionDescriptor.of(C_INT, C_POINTER));
}
