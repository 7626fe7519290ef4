package dev.ebpf4j.core;

import dev.ebpf4j.core.internal.libbpf.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** A test-only raw lookup, so core's tests can check map contents without the maps module. */
final class RawMaps {
    private static final MethodHandle LOOKUP = Native.downcall("bpf_map_lookup_elem",
            FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_POINTER));

    private static final MethodHandle INFO = Native.downcall("bpf_map_get_info_by_fd",
            FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_POINTER, Native.C_POINTER));

    private RawMaps() {}

    /** The map_flags the kernel reports for the map (struct bpf_map_info: map_flags at offset 20). */
    static int kernelFlags(MapHandle map) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(128, 8);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 128);
            int err = (int) INFO.invokeExact(map.fd(), info, len);
            if (err < 0) throw BpfException.of("map info", err);
            return info.get(ValueLayout.JAVA_INT, 20);
        }
    }

    static byte[] lookup(MapHandle map, int key) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(ValueLayout.JAVA_INT);
            k.set(ValueLayout.JAVA_INT, 0, key);
            MemorySegment v = arena.allocate(map.valueSize());
            int err = (int) LOOKUP.invokeExact(map.fd(), k, v);
            if (err < 0) throw BpfException.of("map lookup", err);
            return v.toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
