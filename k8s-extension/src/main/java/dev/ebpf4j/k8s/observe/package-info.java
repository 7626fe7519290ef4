/**
 * Hubble-like flow observability: datapath events (TCP lifecycle, L7 captures, Service LB translations and refusals,
 * NetworkPolicy verdicts) decoded from ring buffers into {@link dev.ebpf4j.k8s.observe.Flow}s, enriched with pod
 * identity, filtered and exported as metrics.
 *
 * {@snippet class="dev.ebpf4j.k8s.observe.PackageSnippets" region="example"}
 *
 * <p>Every producer writes one record format, {@code struct observe_event} of {@code observe_event.h}, and counts
 * records it could not reserve in a per-CPU lost counter: {@code observe_tcp} and {@code observe_l7} (loaded by the
 * observer), the LB object ({@code lb_events}) and the policy object ({@code policy_flows}), whose rings
 * {@link dev.ebpf4j.k8s.observe.DatapathObserver#addRing} adds ({@link dev.ebpf4j.k8s.observe.DatapathObserver#addPinnedRing}
 * when another process, such as the node agent, loaded and pinned them).
 *
 * <p>The pieces work without a kernel too: {@link dev.ebpf4j.k8s.observe.FlowEventView} copies a ring buffer record
 * into a reusable view without allocating, {@link dev.ebpf4j.k8s.observe.FlowAssembler} turns records into flows (matching HTTP requests
 * to responses and DNS queries to answers), and {@link dev.ebpf4j.k8s.observe.FlowFilter} applies hubble's filter
 * semantics.
 *
 * <p>Requirements: the datapath programs need kernel 6.6+ for tcx (L7 capture) and tracepoints
 * ({@code sock:inet_sock_set_state}, {@code tcp:tcp_retransmit_skb}), CAP_BPF + CAP_PERFMON + CAP_NET_ADMIN.
 * The decoding, matching and filtering classes need nothing from the kernel.
 */
package dev.ebpf4j.k8s.observe;
