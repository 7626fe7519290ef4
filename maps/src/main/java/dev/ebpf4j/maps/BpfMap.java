package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapType;

import java.nio.file.Path;

/**
 * A kernel map: the common part of every typed map class. A map created standalone (from a {@link MapSpec}) owns
 * its fd and {@link #close()} releases it; a map narrowed from a {@link dev.ebpf4j.core.MapHandle} borrows the
 * fd of its {@link dev.ebpf4j.core.BpfObject}, and {@code close()} only ends this view.
 *
 * {@snippet :
 * try (BpfHashMap<Integer, Long> counts = BpfHashMap.create("counts", 1024, Codec.s32(), Codec.s64())) {
 *     counts.put(7, 1L);
 *     counts.pin(Path.of("/sys/fs/bpf/counts"));
 * }
 * }
 *
 * <p>Thread safety: every element operation (get, put, remove, lookup-and-delete, push, pop, batch calls) is
 * thread-safe and is one syscall with per-thread buffers; concurrent writers of one key follow the kernel's rules for
 * that map type (the last update wins; a reader of an array slot or per-CPU value larger than 8 bytes may see a
 * partly written value). Iteration ({@code keys()}, {@code entries()}, {@code getAll()}) is no snapshot: while other
 * threads change the map it may miss keys added or removed during the walk, and may repeat keys (the kernel restarts a
 * hash map walk whose current key was deleted).
 * {@code close()} may race with use from other threads: calls already in the kernel finish, calls that start later
 * throw {@link IllegalStateException}, and an owned fd is closed only when the last in-flight call has returned, so
 * no call ever reaches another file that reused the fd number. Not guarded: closing the
 * {@link dev.ebpf4j.core.BpfObject} that owns a narrowed map while other threads still use that map; close or stop
 * the users first. {@link #fd()} hands out the raw number with no such guarantee.
 */
public sealed interface BpfMap extends AutoCloseable
        permits BpfHashMap, LruHashMap, PerCpuHashMap, LruPerCpuHashMap, ArrayMap, PerCpuArrayMap, LpmTrieMap,
        QueueMap, StackMap, BloomFilterMap, RingBuffer, PerfEventArray, ProgArray, DevMap, DevMapHash, CpuMap,
        XskMap, SockMap, SockHash, ArrayOfMaps, HashOfMaps, RawMap, UserRingBuffer,
        SkStorageMap, CgrpStorageMap, TaskStorageMap, InodeStorageMap {

    /** The map's name (at most 15 characters, as the kernel keeps it). */
    String name();

    /** The kernel map type. */
    MapType type();

    /** Key size in bytes as declared. */
    int keySize();

    /** Value size in bytes as declared (per CPU, for per-CPU maps). */
    int valueSize();

    /** Max entries as declared (bytes of the buffer, for a ring buffer). */
    int maxEntries();

    /** The {@code BPF_F_*} flags, see {@link MapFlag#describe(int)}. */
    int flags();

    /** The map fd; {@link IllegalStateException} once closed. */
    int fd();

    /** Whether this view owns the fd (a standalone map) rather than borrowing it from an object. */
    boolean ownsFd();

    /** Pins the map at a path in bpffs; it then outlives this process until {@link #unpin(Path)}. */
    void pin(Path path);

    /** Removes a pin (any bpffs file) at {@code path}; a missing file is not an error. */
    static void unpin(Path path) {
        try {
            java.nio.file.Files.deleteIfExists(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot unpin " + path, e);
        }
    }

    /** Makes the map read-only for user space from now on (programs can still write unless RDONLY_PROG). */
    void freeze();

    /** Whether {@link #close()} was called, or the owning object was closed. */
    boolean isClosed();

    /** Releases an owned fd, or ends a borrowed view. Idempotent. */
    @Override
    void close();
}
