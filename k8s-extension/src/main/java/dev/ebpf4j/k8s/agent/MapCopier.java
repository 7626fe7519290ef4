package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.core.KeyExistsException;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.PutMode;
import dev.ebpf4j.maps.RawMap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Copies the entries of a pinned map into a map of the new object, converting each through a {@link MapConverter}
 * when the layout changed: {@link RawMap#copyTo} in batches when it did not, an entry-by-entry conversion when it did.
 * Iteration tolerates entries deleted meanwhile (the old programs still run during a migration). Only maps whose
 * entries are plain data can be copied: ring and perf buffers, queues, socket, program and map-in-map maps hold no
 * copyable entries and are recreated empty instead.
 */
final class MapCopier {
    private static final Set<MapType> COPYABLE = EnumSet.of(MapType.HASH, MapType.ARRAY, MapType.PERCPU_HASH,
            MapType.PERCPU_ARRAY, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH, MapType.LPM_TRIE);

    private MapCopier() {
    }

    /** Whether the map type's entries can be read and written back as plain bytes. */
    static boolean copyable(MapType type) {
        return COPYABLE.contains(type);
    }

    /**
     * Copies every entry of the map pinned at {@code from} into {@code to}, through {@code converter} (null: as they
     * are). With {@link PutMode#NO_EXIST}, entries the target already has are kept. Returns the number of entries written.
     */
    static int copy(Path from, MapHandle to, MapConverter converter, PutMode mode) {
        try (RawMap source = RawMap.openPinned(from); RawMap target = RawMap.of(to)) {
            return converter == null ? source.copyTo(target, mode) : convert(source, target, converter, mode);
        }
    }

    private static int convert(RawMap source, RawMap target, MapConverter converter, PutMode mode) {
        if (converter.newKeySize() != target.keySize() || converter.newValueSize() != target.valueSize()) {
            throw new IllegalStateException("converter for map " + converter.map() + " makes " + converter.newKeySize()
                    + "-byte keys and " + converter.newValueSize() + "-byte values but the new map " + target.name()
                    + " has " + target.keySize() + " and " + target.valueSize());
        }
        int cpus = source.cpuSlots();
        int oldStride = source.perCpuStride(), newStride = target.perCpuStride();
        int oldValueSize = source.valueSize(), newValueSize = target.valueSize();
        int[] written = {0};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment newKey = arena.allocate(target.keySize(), 8);
            MemorySegment newValue = arena.allocate(target.valueBytes(), 8);
            byte[] keyBytes = new byte[target.keySize()], valueBytes = new byte[target.valueBytes()];
            source.forEach((key, value) -> {
                newKey.fill((byte) 0);
                newValue.fill((byte) 0);
                for (int c = 0; c < cpus; c++) {
                    // The key is converted once per CPU slot; a conversion depends on the entry alone, so alike.
                    converter.conversion().convert(key, value.asSlice((long) c * oldStride, oldValueSize),
                            newKey, newValue.asSlice((long) c * newStride, newValueSize));
                }
                MemorySegment.ofArray(keyBytes).copyFrom(newKey);
                MemorySegment.ofArray(valueBytes).copyFrom(newValue);
                try {
                    target.put(keyBytes, valueBytes, mode);
                    written[0]++;
                } catch (KeyExistsException kept) {
                    if (mode != PutMode.NO_EXIST) throw kept;
                }
            });
        }
        return written[0];
    }
}
