package dev.ebpf4j.core;

import java.nio.file.Path;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void loadObject() {
        // @start region="example"
        BpfObjectSpec spec = BpfObject.open(Path.of("counter.bpf.o"));
        spec.maxEntries("flows", 65_536).constant("drop_enabled", true);
        try (BpfObject obj = spec.load()) {                // VerifierException carries the verifier log
            MapHandle counts = obj.map("counts");
            ProgramHandle prog = obj.program("xdp_count");
        }
        // @end
    }
}
