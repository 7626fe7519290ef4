package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.internal.Cpus;
import dev.ebpf4j.maps.internal.Scratch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A perf event array ({@code BPF_MAP_TYPE_PERF_EVENT_ARRAY}): one perf event fd per CPU, written by
 * {@code bpf_perf_event_output}. Read it with a {@link dev.ebpf4j.maps.ringbuf.PerfBufferReader}, which opens the
 * per-CPU events and installs them here.
 *
 * {@snippet :
 * PerfEventArray events = PerfEventArray.of(obj.map("events"));
 * try (PerfBufferReader reader = PerfBufferReader.open(events, 8)) {
 *     reader.poll(Duration.ofMillis(100), record -> handle(record));
 *     long lost = reader.lostSamples();
 * }
 * }
 */
public final class PerfEventArray extends MapBase implements BpfMap {
    private PerfEventArray(MapFd map) {
        super(map);
    }

    /** Narrows a map of a loaded object. */
    public static PerfEventArray of(MapHandle map) {
        return new PerfEventArray(Narrow.check(map, null, null, MapType.PERF_EVENT_ARRAY));
    }

    /** Creates a standalone array with one slot per possible CPU. */
    public static PerfEventArray create(String name) {
        return new PerfEventArray(MapFd.create(MapSpec.of(MapType.PERF_EVENT_ARRAY, name, 4, 4, Cpus.possible())));
    }

    /** Installs a perf event fd for {@code cpu} (done by the reader; exposed for custom readers). */
    public void set(int cpu, int perfEventFd) {
        Index.check(name(), cpu, maxEntries());
        Scratch s = Scratch.local();
        MemorySegment k = s.key(4), v = s.value(4);
        k.set(ValueLayout.JAVA_INT, 0, cpu);
        v.set(ValueLayout.JAVA_INT, 0, perfEventFd);
        map.update(k, v, 0);
    }

    /** Removes the event of {@code cpu}. */
    public void clear(int cpu) {
        Index.check(name(), cpu, maxEntries());
        MemorySegment k = Scratch.local().key(4);
        k.set(ValueLayout.JAVA_INT, 0, cpu);
        map.delete(k);
    }
}
