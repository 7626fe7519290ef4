/**
 * The XDP packet counter on a veth pair between two namespaces.
 *
 * {@snippet :
 * long counted = XdpCounterSample.run(1000);   // 1000: every UDP datagram was seen by XDP
 * }
 *
 * <p>Requirements: root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN for namespaces), iproute2.
 */
package dev.ebpf4j.samples.xdp;
