package dev.ebpf4j.k8s.source;

import java.nio.file.Path;
import java.time.Duration;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void follow() throws Exception {
        // @start region="example"
        try (ClusterSource source = new ManifestDirectorySource(Path.of("manifests"))) {
            source.addDeltaListener(delta -> delta.changes().forEach(c -> System.out.println(c.name())));
            source.start(Duration.ofSeconds(5));
        }

        try (PolicySource policy = new PolicyManifestSource(Path.of("manifests"))) {   // the same directory can feed both
            policy.addListener(snapshot -> System.out.println(snapshot.state().policies()));
            policy.start(Duration.ofSeconds(5));
        }
        // @end
    }
}
