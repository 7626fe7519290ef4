package dev.ebpf4j.bpf;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.ProgramHandle;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void openCounter() {
        // @start region="example"
        try (BpfObject counter = BpfObjects.open(BpfObjects.XDP_COUNTER).load()) {
            MapHandle counters = counter.map("counters");   // per-CPU array: slot -> {packets, bytes}
            ProgramHandle xdp = counter.program("xdp_count");
        }
        // @end
    }
}
