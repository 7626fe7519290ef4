package dev.ebpf4j.samples.lb;

/** The package javadoc's example, compiled with the tests so it cannot drift from the sample's API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void example() throws Exception {
        // @start region="example"
        boolean ok = ServiceLbSample.run(300);   // prints the per-backend distribution of each phase
        // @end
    }
}
