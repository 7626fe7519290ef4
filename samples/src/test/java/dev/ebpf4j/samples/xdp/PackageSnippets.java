package dev.ebpf4j.samples.xdp;

/** The package javadoc's example, compiled with the tests so it cannot drift from the sample's API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void example() throws Exception {
        // @start region="example"
        long counted = XdpCounterSample.run(1000);   // 1000: every UDP datagram was seen by XDP
        // @end
    }
}
