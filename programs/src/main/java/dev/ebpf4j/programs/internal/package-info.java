/**
 * FFM bindings the programs module adds to core's: libbpf's fd-based link, attach, XDP/TC netlink and test-run calls,
 * and the libc calls attach needs (sockets, perf events, namespaces), and an RTM_GETTFILTER dump for listing
 * cls_bpf filters. Exported only to the k8s extension (its {@code net show} view).
 *
 * {@snippet class="dev.ebpf4j.programs.internal.PackageSnippets" region="example"}
 *
 * <p>Requirements: the bundled libbpf 1.4.6 (struct layouts here follow its headers).
 */
package dev.ebpf4j.programs.internal;
