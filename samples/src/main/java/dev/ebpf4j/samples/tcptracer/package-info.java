/**
 * A TCP connection tracer on the {@code sock:inet_sock_set_state} tracepoint, built on the SDK's
 * {@link dev.ebpf4j.k8s.observe.DatapathObserver} (the {@code observe_tcp} object): connect, established with
 * handshake latency, accepted, close and refused events for connections between two namespaces.
 *
 * {@snippet class="dev.ebpf4j.samples.tcptracer.PackageSnippets" region="example"}
 *
 * <p>Requirements: root (CAP_BPF, CAP_PERFMON for the tracepoint, CAP_NET_ADMIN), tracefs, kernel 6.6+.
 */
package dev.ebpf4j.samples.tcptracer;
