/**
 * Where cluster state comes from: fabric8 informers against an API server, a watched directory of manifests, or an
 * application pushing objects into an {@link dev.ebpf4j.k8s.source.InMemorySource}. Listeners get either whole
 * {@link dev.ebpf4j.k8s.source.ClusterSnapshot}s (copied on demand) or {@link dev.ebpf4j.k8s.source.ClusterDelta}s
 * naming just the Services a change touched, which is what keeps a change's cost independent of the cluster size.
 *
 * {@snippet :
 * try (ClusterSource source = new ManifestDirectorySource(Path.of("manifests"))) {
 *     source.addDeltaListener(delta -> delta.changes().forEach(c -> System.out.println(c.name())));
 *     source.start(Duration.ofSeconds(5));
 * }
 * }
 *
 * <p>Requirements: {@link dev.ebpf4j.k8s.source.InformerSource} needs a kubeconfig or an in-cluster service
 * account with {@code list}/{@code watch} on Services and EndpointSlices; the manifest source needs only a
 * readable directory. Neither needs the kernel.
 */
package dev.ebpf4j.k8s.source;
