package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.source.InformerSource;

import java.nio.file.Path;
import java.time.Duration;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void balance() throws Exception {
        // @start region="example"
        try (var lb = LoadBalancer.load(LbConfig.forNode("node-1").withSelection(Selection.MAGLEV));
             var source = InformerSource.connect()) {
            lb.attachCgroup(Path.of("/sys/fs/cgroup/kubepods")); // ClusterIP via the socket hooks
            lb.attachNodePort("eth0");                          // NodePort / external IPs via tcx
            lb.controller().follow(source);
            source.start(Duration.ofSeconds(30));
        }
        // @end
    }
}
