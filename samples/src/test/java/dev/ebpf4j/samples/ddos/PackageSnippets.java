package dev.ebpf4j.samples.ddos;

/** The package javadoc's example, compiled with the tests so it cannot drift from the sample's API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void example() throws Exception {
        // @start region="example"
        XdpDdosSample.Result r = XdpDdosSample.run(200, 50);   // 200 packets/s, burst 50
        r.problems();                                         // empty: blocked got 0, flooder ~rate x time + burst
        // @end
    }
}
