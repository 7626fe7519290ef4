package dev.ebpf4j.samples.tcptracer;

/** The package javadoc's example, compiled with the tests so it cannot drift from the sample's API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void example() throws Exception {
        // @start region="example"
        Trace t = TcpTracerSample.run(3);   // 3 accepted connections and 1 refused
        t.problems();                       // empty: every connection traced, with handshake latencies
        // @end
    }
}
