/**
 * A DNS observer on a pod interface, built on the SDK's {@link dev.ebpf4j.k8s.observe.DatapathObserver} (the
 * {@code observe_l7} tcx capture): queries and answers with name, type, rcode, addresses and latency, against a tiny
 * DNS server written in Java.
 *
 * {@snippet class="dev.ebpf4j.samples.dns.PackageSnippets" region="example"}
 *
 * <p>Requirements: root (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN), kernel 6.6+ (tcx), tracefs.
 */
package dev.ebpf4j.samples.dns;
