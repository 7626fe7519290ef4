package dev.ebpf4j.maps.ringbuf;

import java.lang.foreign.MemorySegment;

/**
 * Receives one record as a position in the buffer's shared memory rather than as a segment of its own, so that the
 * reader hands records over without creating an object per record, whatever the handler does with it (a
 * {@link RecordHandler}'s per-record segment costs nothing only when the JIT inlines the handler into the reader's
 * loop). As with {@link RecordHandler}, the bytes are valid only during the call: copy what you keep.
 *
 * {@snippet :
 * reader.poll(Duration.ofMillis(200), (source, data, offset, length) -> view.wrap(data, offset, length));
 * }
 */
@FunctionalInterface
public interface RecordSliceHandler {
    /**
     * @param source index of the buffer the record came from, in the order the reader was given them
     * @param data   the buffer's data area (read-only; the same segment for every record of one buffer)
     * @param offset where the record starts in {@code data}
     * @param length the record's length in bytes
     */
    void onRecord(int source, MemorySegment data, long offset, int length);
}
