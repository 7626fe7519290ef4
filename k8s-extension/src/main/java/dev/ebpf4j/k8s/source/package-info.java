/**
 * Where cluster state comes from: fabric8 informers against an API server, or a watched directory of manifests.
 * {@link dev.ebpf4j.k8s.source.ClusterSource}s (Services and EndpointSlices) feed the load balancer;
 * {@link dev.ebpf4j.k8s.source.PolicySource}s (Namespaces, Pods, NetworkPolicies) feed NetworkPolicy enforcement.
 *
 * {@snippet :
 * try (ClusterSource source = new ManifestDirectorySource(Path.of("manifests"))) {
 *     source.addListener(snapshot -> System.out.println(snapshot.services().keySet()));
 *     source.start(Duration.ofSeconds(5));
 * }
 *
 * try (PolicySource policy = new PolicyManifestSource(Path.of("manifests"))) {   // the same directory can feed both
 *     policy.addListener(snapshot -> System.out.println(snapshot.state().policies()));
 *     policy.start(Duration.ofSeconds(5));
 * }
 * }
 *
 * <p>Requirements: {@link dev.ebpf4j.k8s.source.InformerSource} needs a kubeconfig or an in-cluster service
 * account with {@code list}/{@code watch} on Services and EndpointSlices, and
 * {@link dev.ebpf4j.k8s.source.PolicyInformerSource} on Namespaces, Pods and NetworkPolicies; the manifest sources
 * need only a readable directory. None needs the kernel.
 */
package dev.ebpf4j.k8s.source;
