/**
 * The kube-proxy-less Service load balancer on network namespaces: a Service and its EndpointSlice as manifests,
 * the socket LB attached to the client's cgroup, requests to the ClusterIP, scale-up, failover and refusal.
 *
 * {@snippet class="dev.ebpf4j.samples.lb.PackageSnippets" region="example"}
 *
 * <p>Requirements: root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN), cgroup v2, iproute2.
 */
package dev.ebpf4j.samples.lb;
