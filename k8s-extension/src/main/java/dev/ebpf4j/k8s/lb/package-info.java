/**
 * Kube-proxy-less Service load balancing: desired datapath state from Services and EndpointSlices, Maglev and
 * random backend selection, and ordered, batched map updates.
 *
 * <p>The pipeline is {@link dev.ebpf4j.k8s.source.ClusterSnapshot} → {@link dev.ebpf4j.k8s.lb.DesiredState}
 * (frontends and their backends) → {@link dev.ebpf4j.k8s.lb.LbPlanner} (stable ids, table revisions, an
 * {@link dev.ebpf4j.k8s.lb.UpdatePlan}) → {@link dev.ebpf4j.k8s.lb.LbDatapath}; {@link dev.ebpf4j.k8s.lb.LbController}
 * runs it on every snapshot a source announces.
 *
 * {@snippet :
 * try (var source = InformerSource.connect(); var datapath = new SimulatedLbDatapath()) {
 *     var controller = new LbController(LbConfig.forNode("node-1").withSelection(Selection.MAGLEV), datapath);
 *     controller.follow(source);
 *     source.start(Duration.ofSeconds(30));
 *     System.out.println(controller.applied().services());
 * }
 * }
 *
 * <p>Requirements: the planning classes and {@link dev.ebpf4j.k8s.lb.SimulatedLbDatapath} need nothing from the
 * kernel. The BPF datapath ({@code lb_sock.bpf.c}, {@code lb_nodeport.bpf.c}) needs Linux 5.10+ with BTF for the
 * cgroup socket hooks ({@code bpf_set_retval} for ECONNREFUSED: 5.18), tcx for the NodePort path (6.6), and
 * CAP_BPF + CAP_NET_ADMIN.
 */
package dev.ebpf4j.k8s.lb;
