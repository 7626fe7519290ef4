package dev.ebpf4j.k8s.internal;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.inspect.KernelObjects;
import dev.ebpf4j.core.inspect.MapInfo;
import dev.ebpf4j.core.inspect.ProgramInfo;
import dev.ebpf4j.maps.RawMap;

import java.util.List;
import java.util.Optional;

/**
 * The CLI's bpftool-like view of every program, map and link the kernel holds, built on the SDK's
 * {@link KernelObjects} (ids and info) and {@link RawMap} (entries). Needs CAP_SYS_ADMIN.
 */
public final class Introspection {
    private Introspection() {}

    /** IDs of all loaded programs, ascending. */
    public static List<Integer> programIds() {
        return KernelObjects.programIds();
    }

    /** IDs of all maps, ascending. */
    public static List<Integer> mapIds() {
        return KernelObjects.mapIds();
    }

    /** IDs of all links, ascending. */
    public static List<Integer> linkIds() {
        return KernelObjects.linkIds();
    }

    /** Info of program {@code id}; empty if it went away. */
    public static Optional<BpfObjectInfo.Program> program(int id) {
        return KernelObjects.program(id).map(Introspection::program);
    }

    /** Info of map {@code id}; empty if it went away. */
    public static Optional<BpfObjectInfo.Map> map(int id) {
        return KernelObjects.map(id).map(Introspection::map);
    }

    /** One map entry; per-CPU values hold every CPU's value back to back (each rounded up to 8 bytes). */
    public record Entry(byte[] key, byte[] value) {}

    /**
     * Up to {@code limit} entries of map {@code id} (hash-like and array maps; maps without keys, such as ring
     * buffers, yield none). Entries deleted while walking are skipped.
     */
    public static List<Entry> entries(int id, int limit) {
        Optional<MapInfo> info = KernelObjects.map(id);
        if (info.isEmpty() || !hasEntries(info.get().type(), info.get().keySize(), info.get().valueSize())) return List.of();
        try (RawMap m = RawMap.openById(id)) {
            return entries(m, limit);
        }
    }

    /** Whether a map of this type and sizes has entries that {@link RawMap} can read. */
    static boolean hasEntries(MapType type, int keySize, int valueSize) {
        return keySize > 0 && valueSize > 0 && type != MapType.RINGBUF;
    }

    static List<Entry> entries(RawMap m, int limit) {
        return m.entries(limit).stream().map(e -> new Entry(e.key(), e.value())).toList();
    }

    /** The number of possible CPUs (per-CPU map value multiplier). */
    public static int possibleCpus() {
        return KernelObjects.possibleCpus();
    }

    static BpfObjectInfo.Map map(MapInfo m) {
        return new BpfObjectInfo.Map(m.id(), m.type(), m.name(), m.keySize(), m.valueSize(), m.maxEntries(), m.flags());
    }

    private static BpfObjectInfo.Program program(ProgramInfo p) {
        return new BpfObjectInfo.Program(p.id(), p.type(), p.name(), p.tag(), p.xlatedBytes(), p.jitedBytes(), p.sinceBoot(),
                p.uid(), p.mapIds(), p.runTimeNanos(), p.runCount(), p.verifiedInstructions());
    }
}
