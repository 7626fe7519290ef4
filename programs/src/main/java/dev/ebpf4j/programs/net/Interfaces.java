package dev.ebpf4j.programs.net;

import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static dev.ebpf4j.core.internal.libbpf.Native.C_INT;
import static dev.ebpf4j.core.internal.libbpf.Native.C_POINTER;

/**
 * Network interfaces of the calling thread's network namespace: index to name and back, and the full list
 * ({@code if_indextoname(3)}, {@code if_nametoindex(3)}, {@code if_nameindex(3)}).
 */
public final class Interfaces {
    private static final int IF_NAMESIZE = 16;

    /** An interface: index and name. */
    public record Interface(int index, String name) {}

    private static final class H {
        static final MethodHandle INDEX_TO_NAME = Native.libc("if_indextoname", FunctionDescriptor.of(C_POINTER, C_INT, C_POINTER));
        static final MethodHandle NAME_INDEX = Native.libc("if_nameindex", FunctionDescriptor.of(C_POINTER));
        static final MethodHandle FREE_NAME_INDEX = Native.libc("if_freenameindex", FunctionDescriptor.ofVoid(C_POINTER));
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

    /** Every interface of this namespace, by index. */
    public static List<Interface> all() {
        MemorySegment list;
        try {
            list = (MemorySegment) H.NAME_INDEX.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        if (list.equals(MemorySegment.NULL)) throw new IllegalStateException("if_nameindex failed (out of memory or no netlink)");
        List<Interface> out = new ArrayList<>();
        try {
            // struct if_nameindex { unsigned if_index; char *if_name; }, ended by an entry with index 0
            MemorySegment all = list.reinterpret(Long.MAX_VALUE);
            for (long off = 0; ; off += 16) {
                int index = all.get(ValueLayout.JAVA_INT, off);
                if (index == 0) break;
                MemorySegment name = all.get(ValueLayout.ADDRESS, off + 8).reinterpret(IF_NAMESIZE);
                out.add(new Interface(index, name.getString(0)));
            }
        } finally {
            try {
                H.FREE_NAME_INDEX.invokeExact(list);
            } catch (Throwable t) {
                throw Native.unexpected(t);
            }
        }
        out.sort(java.util.Comparator.comparingInt(Interface::index));
        return out;
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
