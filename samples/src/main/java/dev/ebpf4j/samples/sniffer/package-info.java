/**
 * A packet sniffer whose filtering runs in the kernel: a BPF socket filter on an {@code AF_PACKET} socket keeps TCP
 * SYNs, DNS and a chosen port, and the captured frames are parsed with {@link dev.ebpf4j.programs.packet.ParsedPacket}.
 *
 * {@snippet class="dev.ebpf4j.samples.sniffer.PackageSnippets" region="example"}
 *
 * <p>Requirements: root (CAP_BPF, CAP_NET_RAW for the packet socket, CAP_SYS_ADMIN for namespaces), iproute2.
 */
package dev.ebpf4j.samples.sniffer;
