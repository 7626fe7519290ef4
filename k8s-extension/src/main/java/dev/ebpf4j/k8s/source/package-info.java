/**
 * Where cluster state comes from: fabric8 informers against an API server, or a watched directory of manifests.
 *
 * {@snippet :
 * try (ClusterSource source = new ManifestDirectorySource(Path.of("manifests"))) {
 *     source.addListener(snapshot -> System.out.println(snapshot.services().keySet()));
 *     source.start(Duration.ofSeconds(5));
 * }
 * }
 *
 * <p>Requirements: {@link dev.ebpf4j.k8s.source.InformerSource} needs a kubeconfig or an in-cluster service
 * account with {@code list}/{@code watch} on Services and EndpointSlices; the manifest source needs only a
 * readable directory. Neither needs the kernel.
 */
package dev.ebpf4j.k8s.source;
