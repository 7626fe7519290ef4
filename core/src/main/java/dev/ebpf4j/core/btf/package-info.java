/**
 * BTF, the kernel's type information: a pure Java parser for kernel and object BTF, type lookup and sizes,
 * and {@code vmlinux.h} generation through libbpf's {@code btf_dump}.
 *
 * {@snippet class="dev.ebpf4j.core.btf.PackageSnippets" region="example"}
 *
 * <p>Requirements: parsing needs nothing native; {@link dev.ebpf4j.core.btf.Btf#kernel()} needs a kernel built
 * with {@code CONFIG_DEBUG_INFO_BTF} (5.4+); {@link dev.ebpf4j.core.btf.VmlinuxHeader} loads libbpf.
 */
package dev.ebpf4j.core.btf;
