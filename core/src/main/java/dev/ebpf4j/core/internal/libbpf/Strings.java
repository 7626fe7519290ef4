package dev.ebpf4j.core.internal.libbpf;

import java.lang.foreign.MemorySegment;

/** C string helpers. */
public final class Strings {
    private Strings() {}

    /** The NUL-terminated string at {@code ptr}, or {@code ""} for NULL. */
    public static String read(MemorySegment ptr) {
        return ptr.equals(MemorySegment.NULL) ? "" : ptr.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
