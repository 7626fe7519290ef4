/**
 * Where cluster state comes from: fabric8 informers against an API server, a watched directory of manifests, or an
 * application pushing objects into an {@link dev.ebpf4j.k8s.source.InMemorySource}.
 * {@link dev.ebpf4j.k8s.source.ClusterSource}s (Services and EndpointSlices) feed the load balancer: their listeners
 * get either whole {@link dev.ebpf4j.k8s.source.ClusterSnapshot}s (copied on demand) or
 * {@link dev.ebpf4j.k8s.source.ClusterDelta}s naming just the Services a change touched, which is what keeps a
 * change's cost independent of the cluster size. {@link dev.ebpf4j.k8s.source.PolicySource}s (Namespaces, Pods,
 * NetworkPolicies) feed NetworkPolicy enforcement.
 *
 * {@snippet class="dev.ebpf4j.k8s.source.PackageSnippets" region="example"}
 *
 * <p>Requirements: {@link dev.ebpf4j.k8s.source.InformerSource} needs a kubeconfig or an in-cluster service
 * account with {@code list}/{@code watch} on Services and EndpointSlices, and
 * {@link dev.ebpf4j.k8s.source.PolicyInformerSource} on Namespaces, Pods and NetworkPolicies; the manifest sources
 * need only a readable directory. None needs the kernel.
 */
package dev.ebpf4j.k8s.source;
