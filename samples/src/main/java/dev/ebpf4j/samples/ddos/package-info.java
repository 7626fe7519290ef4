/**
 * XDP DDoS mitigation: a CIDR blocklist in LPM tries (IPv4 and IPv6) and a per-source token bucket in an LRU hash,
 * with per-reason drop counters, shown on a victim namespace flooded from three source namespaces.
 *
 * {@snippet :
 * XdpDdosSample.Result r = XdpDdosSample.run(200, 50);   // 200 packets/s, burst 50
 * r.problems();                                         // empty: blocked got 0, flooder ~rate x time + burst
 * }
 *
 * <p>Requirements: root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN for namespaces), kernel 5.x+ (veth native XDP), iproute2.
 */
package dev.ebpf4j.samples.ddos;
