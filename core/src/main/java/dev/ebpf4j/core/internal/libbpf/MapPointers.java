package dev.ebpf4j.core.internal.libbpf;

import dev.ebpf4j.core.MapHandle;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * The libbpf {@code struct bpf_map *} behind a {@link MapHandle}, for the few libbpf calls that take the map rather
 * than its fd ({@code bpf_map__attach_struct_ops} fills the kernel value libbpf prepared at load). Valid while the
 * map's object is open; {@link #of} checks that first.
 */
public final class MapPointers {
    private static volatile Function<MapHandle, MemorySegment> access;

    private MapPointers() {}

    /** Called once by {@link MapHandle}'s class initializer. */
    public static void install(Function<MapHandle, MemorySegment> pointerOf) {
        access = pointerOf;
    }

    /** The map's libbpf pointer; throws {@link IllegalStateException} once the object is closed. */
    public static MemorySegment of(MapHandle map) {
        map.fd(); // checks the object is open and the map was created
        Function<MapHandle, MemorySegment> a = access;
        if (a == null) throw new IllegalStateException("MapHandle not initialized");
        return a.apply(map);
    }
}
