/**
 * Hubble-like flow observability: datapath events (TCP lifecycle, L7 captures, LB/policy verdicts) decoded from ring
 * buffers into {@link dev.ebpf4j.k8s.observe.Flow}s, enriched with pod identity, filtered and exported as metrics.
 *
 * {@snippet :
 * FlowDecoder decoder = new FlowDecoder(resolver, KernelClock.system());
 * FlowAssembler assembler = new FlowAssembler(decoder);
 * FlowEventView view = new FlowEventView();
 * FlowFilter filter = FlowFilter.parse(List.of("--type", "l7", "--http-status", "5+"));
 * // in the ring buffer callback:
 * assembler.accept(view.wrap(record), flow -> { if (filter.test(flow)) System.out.println(FlowFormat.compact(flow)); });
 * }
 *
 * <p>Requirements: the datapath programs need kernel 6.6+ for tcx (L7 capture) and tracepoints
 * ({@code sock:inet_sock_set_state}, {@code tcp:tcp_retransmit_skb}), CAP_BPF + CAP_PERFMON + CAP_NET_ADMIN.
 * The decoding, matching and filtering classes need nothing from the kernel.
 */
package dev.ebpf4j.k8s.observe;
