package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * Task local storage ({@code BPF_MAP_TYPE_TASK_STORAGE}): a value per task, written by programs with {@code bpf_task_storage_get} and read or written here by a pidfd ({@code pidfd_open}; with {@code PIDFD_THREAD}, Linux 6.9, the pidfd of one thread rather than of the process's leader). The storage goes when the task exits.
 *
 * <p>Local storage maps exist only with BTF, declared in an object with {@code BPF_F_NO_PREALLOC}, so they are
 * narrowed from a loaded object; the value codec is checked against the declared value type. Requires Linux 5.11.
 *
 * @param <V> value type
 */
public final class TaskStorageMap<V> extends LocalStorageBase<V> implements BpfMap {
    private TaskStorageMap(MapFd map, Codec<V> value) {
        super(map, value, "a task (a pidfd)");
    }

    /** Narrows a map of a loaded object; checks type, value size and, with BTF, the value layout. */
    public static <V> TaskStorageMap<V> of(MapHandle map, Codec<V> value) {
        return new TaskStorageMap<>(Narrow.check(map, Codec.s32(), value, MapType.TASK_STORAGE), value);
    }

    /** Opens a map pinned in bpffs and checks its type and value size; the view owns the new fd. */
    public static <V> TaskStorageMap<V> openPinned(java.nio.file.Path path, Codec<V> value) {
        return new TaskStorageMap<>(Narrow.pinned(path, Codec.s32(), value, MapType.TASK_STORAGE), value);
    }
}
