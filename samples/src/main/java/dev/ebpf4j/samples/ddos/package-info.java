/**
 * XDP DDoS mitigation: a CIDR blocklist in LPM tries (IPv4 and IPv6) and a per-source token bucket in an LRU hash,
 * with per-reason drop counters, shown on a victim namespace flooded from three source namespaces.
 *
 * {@snippet class="dev.ebpf4j.samples.ddos.PackageSnippets" region="example"}
 *
 * <p>Requirements: root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN for namespaces), kernel 5.x+ (veth native XDP), iproute2.
 */
package dev.ebpf4j.samples.ddos;
