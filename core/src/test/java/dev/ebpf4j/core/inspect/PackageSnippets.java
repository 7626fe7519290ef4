package dev.ebpf4j.core.inspect;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void listEverything() {
        // @start region="example"
        for (int id : KernelObjects.programIds()) {
            KernelObjects.program(id).ifPresent(p -> System.out.println(p.id() + ": " + p.type() + " " + p.name()));
        }
        for (LinkSummary l : KernelObjects.links()) {
            System.out.println("link " + l.id() + " (" + l.typeName() + ") runs program " + l.programId());
        }
        MapInfo counts = KernelObjects.pinnedMap(java.nio.file.Path.of("/sys/fs/bpf/app/counts"));
        // @end
    }
}
