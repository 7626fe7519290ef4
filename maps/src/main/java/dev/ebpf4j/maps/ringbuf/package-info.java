/**
 * Readers for BPF ring buffers and perf event buffers, over shared memory with no copy per record.
 *
 * {@snippet class="dev.ebpf4j.maps.ringbuf.PackageSnippets" region="example"}
 *
 * <p>Requirements: ring buffers need Linux 5.8; perf buffers need CAP_PERFMON (or CAP_SYS_ADMIN) for
 * {@code perf_event_open}. Records are views valid only during the callback; copy what you keep.
 */
package dev.ebpf4j.maps.ringbuf;
