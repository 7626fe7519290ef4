package dev.ebpf4j.samples.sniffer;

/** The package javadoc's example, compiled with the tests so it cannot drift from the sample's API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void example() throws Exception {
        // @start region="example"
        SnifferSample.Capture c = SnifferSample.run(7000);
        c.problems();   // empty: 2 SYNs, 3 DNS queries, 4 datagrams to port 7000 and nothing else
        // @end
    }
}
