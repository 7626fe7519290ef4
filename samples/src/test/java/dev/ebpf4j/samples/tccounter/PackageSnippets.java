package dev.ebpf4j.samples.tccounter;

import java.util.Map;

/** The package javadoc's example, compiled with the tests so it cannot drift from the sample's API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void example() throws Exception {
        // @start region="example"
        Map<String, PodCounts> table = TcCounterSample.run();   // pod name -> tx/rx packets and bytes
        // @end
    }
}
