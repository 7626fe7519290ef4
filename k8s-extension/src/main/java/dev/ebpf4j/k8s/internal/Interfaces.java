package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/** Interface index to name and back in the calling thread's network namespace ({@code if_indextoname(3)}). */
public final class Interfaces {
    private static final int IF_NAMESIZE = 16;

    private static final class H {
        static final MethodHandle INDEX_TO_NAME = Native.libc("if_indextoname", FunctionDescriptor.of(C_POINTER, C_INT, C_POINTER));
        static final MethodHandle NAME_TO_INDEX = Native.libc("if_nametoindex", FunctionDescriptor.of(C_INT, C_POINTER));
    }

    private Interfaces() {}

    /** The interface name, or {@code if<index>} when no such interface exists in this namespace. */
    public static String name(int ifindex) {
        if (ifindex <= 0) return "-";
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(IF_NAMESIZE);
            MemorySegment r = (MemorySegment) H.INDEX_TO_NAME.invokeExact(ifindex, buf);
            return r.equals(MemorySegment.NULL) ? "if" + ifindex : buf.getString(0);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The interface index of {@code name}, or 0 when no such interface exists in this namespace. */
    public static int index(String name) {
        try (Arena a = Arena.ofConfined()) {
            return (int) H.NAME_TO_INDEX.invokeExact(a.allocateFrom(name));
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}
