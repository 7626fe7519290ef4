/**
 * What the running kernel and this process can do: program and map type probes (available, not supported,
 * inconclusive), the kernel version, effective capabilities, bpffs and kernel BTF.
 *
 * {@snippet class="dev.ebpf4j.core.features.PackageSnippets" region="example"}
 *
 * <p>Requirements: probes load a tiny program or create a tiny map, so they need CAP_BPF; without it they answer
 * {@link dev.ebpf4j.core.features.Availability#INCONCLUSIVE}.
 */
package dev.ebpf4j.core.features;
