/**
 * Typed eBPF maps: one final class per kernel map type, narrowed from a loaded object's
 * {@link dev.ebpf4j.core.MapHandle} or created standalone from a {@link dev.ebpf4j.maps.MapSpec}.
 *
 * {@snippet class="dev.ebpf4j.maps.PackageSnippets" region="example"}
 *
 * <p>{@link dev.ebpf4j.maps.RawMap} is the untyped view of any map with keys, as bytes: opened from a pin, a read-only
 * pin or an id, with a batched {@link dev.ebpf4j.maps.RawMap#copyTo copy} into another map of the same layout:
 *
 * {@snippet class="dev.ebpf4j.maps.PackageSnippets" region="raw-map"}
 *
 * <p>{@link dev.ebpf4j.maps.Variable} is a live global of a loaded object ({@code .bss}, {@code .data}, and
 * read-only {@code .rodata}), found by name in the object's BTF and accessed through the section map's shared memory:
 *
 * {@snippet class="dev.ebpf4j.maps.PackageSnippets" region="variable"}
 *
 * <p>{@link dev.ebpf4j.maps.UserRingBuffer} carries records the other way, from Java to BPF programs that drain it
 * with {@code bpf_user_ringbuf_drain}:
 *
 * {@snippet class="dev.ebpf4j.maps.PackageSnippets" region="user-ringbuf"}
 *
 * <p>The local storage maps ({@link dev.ebpf4j.maps.SkStorageMap}, {@link dev.ebpf4j.maps.TaskStorageMap},
 * {@link dev.ebpf4j.maps.CgrpStorageMap}, {@link dev.ebpf4j.maps.InodeStorageMap}) hold a value per kernel object and
 * are keyed from Java by an fd of that object: a socket, a pidfd, a cgroup directory, a file.
 *
 * <p>Requirements: Linux 5.x with BTF; creating maps needs CAP_BPF (or CAP_SYS_ADMIN). Batch operations need
 * Linux 5.6, MMAPABLE arrays 5.5, ring buffers 5.8, user ring buffers 6.1, bloom filters 5.16, lookup-and-delete on hash maps 5.14.
 * Kernel failures are {@link dev.ebpf4j.core.BpfException}s naming the operation and errno; misuse (wrong sizes,
 * null, out-of-range index, use after close) is an {@link IllegalArgumentException},
 * {@link IndexOutOfBoundsException}, {@link NullPointerException} or {@link IllegalStateException}.
 */
package dev.ebpf4j.maps;
