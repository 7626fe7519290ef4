package dev.ebpf4j.core.internal.libbpf;

import dev.ebpf4j.core.BpfException;

import java.lang.foreign.MemorySegment;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void load(MemorySegment object) throws Throwable {
        // @start region="example"
        int err = (int) ObjectCalls.LOAD.invokeExact(object);   // libbpf returns -errno
        if (err < 0) throw BpfException.of("object load", err);
        // @end
    }
}
