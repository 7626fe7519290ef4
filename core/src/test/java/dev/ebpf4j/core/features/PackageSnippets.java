package dev.ebpf4j.core.features;

import dev.ebpf4j.core.MapType;
import dev.ebpf4j.core.NotSupportedException;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void requireRingBuffer() {
        // @start region="example"
        if (!Features.has(MapType.RINGBUF)) {
            throw NotSupportedException.missing("flow events", "BPF ring buffer", "5.8");
        }
        // @end
    }
}
