package dev.ebpf4j.maps.internal;

import java.lang.foreign.MemorySegment;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void scratch() {
        // @start region="example"
        MemorySegment key = Scratch.local().key(4);   // reused per thread, never handed out
        int cpus = Cpus.possible();
        // @end
    }
}
