package dev.ebpf4j.maps.ringbuf;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.RingBuffer;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void read(BpfObject obj, LongAdder sum) {
        // @start region="example"
        try (RingBufferReader reader = RingBufferReader.of(RingBuffer.of(obj.map("events")))) {
            int n = reader.poll(Duration.ofMillis(100), (source, record) -> System.out.println(record.byteSize()));
            // or, with no object per record whatever the handler does: the record's position in the ring's memory
            reader.poll(Duration.ofMillis(100), (source, data, offset, length) -> sum.add(data.get(JAVA_LONG_UNALIGNED, offset)));
        }
        // @end
    }
}
