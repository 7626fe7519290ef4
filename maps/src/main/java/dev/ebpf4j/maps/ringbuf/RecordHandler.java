package dev.ebpf4j.maps.ringbuf;

import java.lang.foreign.MemorySegment;

/**
 * Receives one record as a zero-copy view of the buffer's shared memory. The view is valid only during the call:
 * the producer may overwrite that memory as soon as the handler returns, so copy what you keep.
 */
@FunctionalInterface
public interface RecordHandler {
    /**
     * @param source index of the buffer the record came from, in the order the reader was given them
     * @param record the record's bytes (read-only view)
     */
    void onRecord(int source, MemorySegment record);
}
