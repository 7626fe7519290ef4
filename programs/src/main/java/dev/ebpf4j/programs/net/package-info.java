/**
 * The network side of the calling thread: its network namespace ({@link dev.ebpf4j.programs.net.NetworkNamespaces}
 * moves one thread, or runs a task in another namespace), its interfaces
 * ({@link dev.ebpf4j.programs.net.Interfaces}) and the BPF programs attached to them
 * ({@link dev.ebpf4j.programs.net.NetAttachments}, as {@code bpftool net show} lists them).
 *
 * {@snippet class="dev.ebpf4j.programs.net.PackageSnippets" region="example"}
 *
 * <p>Requirements: CAP_SYS_ADMIN to enter a namespace and to read program names by id; CAP_NET_ADMIN for tc filter dumps.
 */
package dev.ebpf4j.programs.net;
