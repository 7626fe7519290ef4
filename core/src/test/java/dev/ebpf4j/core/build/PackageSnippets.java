package dev.ebpf4j.core.build;

import java.nio.file.Path;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void compile() {
        // @start region="example"
        CompiledObject out = BpfBuilder.create().compile(Path.of("src/main/bpf/probe.bpf.c"), Path.of("target/probe.bpf.o"));
        System.out.println(out.cacheHit() + " " + out.relocations());
        // @end
    }
}
