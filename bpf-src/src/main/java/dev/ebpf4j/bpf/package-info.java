/**
 * ebpf4j's own BPF programs, compiled from C into CO-RE objects during the build and carried in this jar as
 * resources under {@code dev/ebpf4j/bpf/}.
 *
 * {@snippet class="dev.ebpf4j.bpf.PackageSnippets" region="example"}
 *
 * <p>Requirements: loading needs a kernel with BTF ({@code /sys/kernel/btf/vmlinux}, or a BTF file given through
 * {@link dev.ebpf4j.core.ObjectOptions}) and CAP_BPF (or root); the XDP counter needs Linux 5.x or newer with
 * per-CPU array maps. Reading the resources needs nothing.
 */
package dev.ebpf4j.bpf;
