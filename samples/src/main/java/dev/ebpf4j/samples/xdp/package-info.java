/**
 * The XDP packet counter on a veth pair between two namespaces.
 *
 * {@snippet class="dev.ebpf4j.samples.xdp.PackageSnippets" region="example"}
 *
 * <p>Requirements: root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN for namespaces), iproute2.
 */
package dev.ebpf4j.samples.xdp;
