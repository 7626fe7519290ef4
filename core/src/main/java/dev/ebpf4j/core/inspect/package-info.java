/**
 * What the kernel holds, by id, without bpftool: walk every loaded program, map and link
 * ({@code BPF_*_GET_NEXT_ID}) and read its info ({@code BPF_OBJ_GET_INFO_BY_FD}), as {@code bpftool prog|map|link show}
 * does.
 *
 * {@snippet class="dev.ebpf4j.core.inspect.PackageSnippets" region="example"}
 *
 * <p>Requirements: Linux 5.8+ for link ids; CAP_SYS_ADMIN (CAP_BPF is not enough to open other processes' objects by id).
 */
package dev.ebpf4j.core.inspect;
