package dev.ebpf4j.samples.dns;

import java.util.List;

/** The package javadoc's example, compiled with the tests so it cannot drift from the sample's API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void example() throws Exception {
        // @start region="example"
        Observed o = DnsObserverSample.run(List.of("web.demo.svc.cluster.local"));
        o.problems();   // empty: the query and its answer were observed as the client saw them
        // @end
    }
}
