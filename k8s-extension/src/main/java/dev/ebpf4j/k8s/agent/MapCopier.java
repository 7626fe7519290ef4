package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.internal.libbpf.Native;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Copies the entries of a pinned map into another map, converting each through a {@link MapConverter} when the layout
 * changed. Iteration tolerates entries deleted meanwhile (the old programs still run during a migration). Only maps
 * whose entries are plain data can be copied: ring and perf buffers, queues, socket, program and map-in-map maps hold
 * no copyable entries and are recreated empty instead.
 */
final class MapCopier {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final MethodHandle NEXT_KEY = Native.downcall("bpf_map_get_next_key",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle LOOKUP = Native.downcall("bpf_map_lookup_elem",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle UPDATE = Native.downcall("bpf_map_update_elem",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle OBJ_GET = Native.downcall("bpf_obj_get", FunctionDescriptor.of(INT, ValueLayout.ADDRESS));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(INT, INT));
    /** Update flags. */
    static final long BPF_ANY = 0, BPF_NOEXIST = 1;
    private static final int EEXIST = 17;
    private static final Set<MapType> COPYABLE = EnumSet.of(MapType.HASH, MapType.ARRAY, MapType.PERCPU_HASH,
            MapType.PERCPU_ARRAY, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH, MapType.LPM_TRIE);

    private MapCopier() {
    }

    /** Whether the map type's entries can be read and written back as plain bytes. */
    static boolean copyable(MapType type) {
        return COPYABLE.contains(type);
    }

    /**
     * Copies every entry of the map pinned at {@code from} into {@code toFd}, through {@code converter} (null: as they
     * are). With {@link #BPF_NOEXIST}, entries the target already has are kept. Returns the number of entries written.
     */
    static int copy(Path from, int toFd, MapType type, MapConverter converter, long flags, String name) {
        KernelObjects.MapDefinition d = KernelObjects.pinnedMap(from);
        int cpus = type.isPerCpu() ? possibleCpus() : 1;
        int oldStride = type.isPerCpu() ? roundUp8(d.valueSize()) : d.valueSize();
        int newKeySize = converter == null ? d.keySize() : converter.newKeySize();
        int newValueSize = converter == null ? d.valueSize() : converter.newValueSize();
        int newStride = type.isPerCpu() ? roundUp8(newValueSize) : newValueSize;
        int written = 0;
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OBJ_GET.invokeExact(arena.allocateFrom(from.toString()));
            if (fd < 0) throw BpfException.of("open pinned map " + from, -fd);
            try {
                MemorySegment key = arena.allocate(d.keySize(), 8), next = arena.allocate(d.keySize(), 8);
                MemorySegment value = arena.allocate((long) oldStride * cpus, 8);
                MemorySegment newKey = arena.allocate(newKeySize, 8);
                MemorySegment newValue = arena.allocate((long) newStride * cpus, 8);
                MemorySegment prev = MemorySegment.NULL;
                while ((int) NEXT_KEY.invokeExact(fd, prev, next) == 0) {
                    MemorySegment.copy(next, 0, key, 0, d.keySize());
                    prev = key;
                    if ((int) LOOKUP.invokeExact(fd, key, value) != 0) continue; // deleted meanwhile
                    MemorySegment k = key, v = value;
                    if (converter != null) {
                        newKey.fill((byte) 0);
                        newValue.fill((byte) 0);
                        for (int c = 0; c < cpus; c++) {
                            // The key is converted once per CPU slot; a conversion depends on the entry alone, so alike.
                            converter.conversion().convert(key, value.asSlice((long) c * oldStride, d.valueSize()),
                                    newKey, newValue.asSlice((long) c * newStride, newValueSize));
                        }
                        k = newKey;
                        v = newValue;
                    }
                    int r = (int) UPDATE.invokeExact(toFd, k, v, flags);
                    if (r == -EEXIST && flags == BPF_NOEXIST) continue;
                    if (r != 0) throw BpfException.of("copy entry of map " + name + " during migration", -r);
                    written++;
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
        return written;
    }

    private static int roundUp8(int n) {
        return (n + 7) & ~7;
    }

    /** The kernel's possible CPUs ({@code /sys/devices/system/cpu/possible}, e.g. "0-3"): per-CPU values have one slot each. */
    static int possibleCpus() {
        try {
            int count = 0;
            for (String range : Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim().split(",")) {
                String[] ab = range.split("-");
                count += ab.length == 1 ? 1 : Integer.parseInt(ab[1]) - Integer.parseInt(ab[0]) + 1;
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the possible CPUs", e);
        }
    }
}
