package dev.ebpf4j.testkit.guest;

import java.nio.file.Path;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void boot() {
        // @start region="example"
        GuestRun run = GuestKernel.debian("6.12").classPath(GuestKernel.testClassPath()).run(Path.of("target/guest-6.12"));
        assert run.completed() && !run.results().isEmpty();
        // @end
    }
}
