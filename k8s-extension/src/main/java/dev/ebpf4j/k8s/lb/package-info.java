/**
 * Kube-proxy-less Service load balancing: desired datapath state from Services and EndpointSlices, Maglev and
 * random backend selection, and ordered, batched map updates.
 *
 * <p>The pipeline is {@link dev.ebpf4j.k8s.source.ClusterDelta} (the Services a change touched) → desired
 * frontends and backends, kept per Service → an {@link dev.ebpf4j.k8s.lb.UpdatePlan} for just the frontends and
 * backends that changed (stable ids, table revisions) → {@link dev.ebpf4j.k8s.lb.LbDatapath}
 * ({@link dev.ebpf4j.k8s.lb.KernelLbDatapath} writes the BPF maps of {@link dev.ebpf4j.k8s.lb.LbObject});
 * {@link dev.ebpf4j.k8s.lb.LbController} runs it on every delta a source announces, so a change costs what it
 * touches, and {@link dev.ebpf4j.k8s.lb.LoadBalancer} bundles object, datapath, controller and attachments. With a
 * {@link dev.ebpf4j.k8s.lb.NodePortAcceleration} the NodePort DNAT to local backends also runs at XDP
 * ({@link dev.ebpf4j.k8s.lb.NodePortXdp}), in front of the tcx programs and in the same conntrack.
 * {@link dev.ebpf4j.k8s.lb.DesiredState#compute} is the from-scratch reference the incremental path is tested against.
 *
 * {@snippet class="dev.ebpf4j.k8s.lb.PackageSnippets" region="example"}
 * Control-plane tests use {@link dev.ebpf4j.k8s.lb.SimulatedLbDatapath} in place of the kernel maps.
 *
 * <p>Requirements: the planning classes and {@link dev.ebpf4j.k8s.lb.SimulatedLbDatapath} need nothing from the
 * kernel. The BPF datapath ({@code lb_sock.bpf.c}, {@code lb_nodeport.bpf.c}) needs Linux 5.10+ with BTF for the
 * cgroup socket hooks ({@code bpf_set_retval} for ECONNREFUSED: 5.18), tcx for the NodePort path (6.6), an XDP link
 * for its acceleration (5.9), and CAP_BPF + CAP_NET_ADMIN.
 */
package dev.ebpf4j.k8s.lb;
