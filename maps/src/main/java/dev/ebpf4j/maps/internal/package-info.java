/**
 * Internal: libbpf and libc bindings for maps, per-thread scratch buffers, mmap handling and the possible-CPU
 * count. Not exported; nothing here is API.
 *
 * {@snippet class="dev.ebpf4j.maps.internal.PackageSnippets" region="example"}
 *
 * <p>Requirements: Linux x86-64 (the libc calls and the packed {@code epoll_event} layout assume it).
 */
package dev.ebpf4j.maps.internal;
