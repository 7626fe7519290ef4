/**
 * A per-pod traffic counter on TC (tcx ingress and egress on each pod's host-side veth), counting packets and bytes
 * per pod address and direction in a hash map, shown on a node namespace routing between three pod namespaces.
 *
 * {@snippet class="dev.ebpf4j.samples.tccounter.PackageSnippets" region="example"}
 *
 * <p>Requirements: root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN for namespaces), kernel 6.6+ for tcx (older kernels get
 * a cls_bpf filter), iproute2.
 */
package dev.ebpf4j.samples.tccounter;
