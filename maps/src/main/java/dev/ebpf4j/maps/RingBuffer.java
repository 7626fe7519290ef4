package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;

/**
 * A BPF ring buffer ({@code BPF_MAP_TYPE_RINGBUF}, Linux 5.8+): programs reserve and submit records, user space
 * reads them with a {@link dev.ebpf4j.maps.ringbuf.RingBufferReader}. {@link #maxEntries()} is the data size in
 * bytes, a power of two and a multiple of the page size.
 *
 * {@snippet :
 * try (RingBuffer events = RingBuffer.create("events", 1 << 16);
 *      RingBufferReader reader = RingBufferReader.of(events)) {
 *     reader.poll(Duration.ofMillis(100), record -> handle(record));
 * }
 * }
 */
public final class RingBuffer extends MapBase implements BpfMap {
    private RingBuffer(MapFd map) {
        super(map);
    }

    /** Narrows a map of a loaded object. */
    public static RingBuffer of(MapHandle map) {
        return new RingBuffer(Narrow.check(map, null, null, MapType.RINGBUF));
    }

    /**
     * Opens a ring buffer pinned at {@code path} (another process's producer, e.g. an agent's datapath). A ring has one
     * consumer position: two readers of one ring share its records rather than each seeing all of them.
     */
    public static RingBuffer openPinned(java.nio.file.Path path) {
        return new RingBuffer(Narrow.pinned(path, null, null, MapType.RINGBUF));
    }

    /** Creates a standalone ring buffer of {@code bytes} bytes (a power of two, at least a page). */
    public static RingBuffer create(String name, int bytes) {
        if (bytes < 4096 || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("ring buffer size must be a power of two of at least 4096 bytes, got " + bytes);
        }
        return new RingBuffer(MapFd.create(MapSpec.of(MapType.RINGBUF, name, 0, 0, bytes)));
    }

    /** Creates a standalone ring buffer from a spec. */
    public static RingBuffer create(MapSpec spec) {
        Narrow.spec(spec, null, null, MapType.RINGBUF);
        return new RingBuffer(MapFd.create(spec));
    }
}
