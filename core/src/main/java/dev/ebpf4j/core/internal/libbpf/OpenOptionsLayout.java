package dev.ebpf4j.core.internal.libbpf;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;

import static dev.ebpf4j.core.internal.libbpf.Native.C_BOOL;
import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;
import static dev.ebpf4j.core.internal.libbpf.Native.C_SIZE_T;

/** {@code struct bpf_object_open_opts} of libbpf 1.4; {@code sz} is always set. A test checks it against the C header. */
public final class OpenOptionsLayout {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            C_SIZE_T.withName("sz"),
            C_POINTER.withName("object_name"),
            C_BOOL.withName("relaxed_maps"),
            MemoryLayout.paddingLayout(7),
            C_POINTER.withName("pin_root_path"),
            C_INT.withName("attach_prog_fd_removed"),
            MemoryLayout.paddingLayout(4),
            C_POINTER.withName("kconfig"),
            C_POINTER.withName("btf_custom_path"),
            C_POINTER.withName("kernel_log_buf"),
            C_SIZE_T.withName("kernel_log_size"),
            C_INT.withName("kernel_log_level"),
            MemoryLayout.paddingLayout(4),
            C_POINTER.withName("bpf_token_path"));

    private OpenOptionsLayout() {}

    /** Allocates zeroed options with {@code sz} set; strings are allocated from the same allocator. */
    public static MemorySegment allocate(SegmentAllocator arena, String objectName, String pinRoot, String btfPath) {
        MemorySegment opts = arena.allocate(LAYOUT);
        opts.set(C_SIZE_T, offset("sz"), LAYOUT.byteSize());
        if (objectName != null) opts.set(C_POINTER, offset("object_name"), arena.allocateFrom(objectName));
        if (pinRoot != null) opts.set(C_POINTER, offset("pin_root_path"), arena.allocateFrom(pinRoot));
        if (btfPath != null) opts.set(C_POINTER, offset("btf_custom_path"), arena.allocateFrom(btfPath));
        return opts;
    }

    public static long offset(String field) {
        return LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
