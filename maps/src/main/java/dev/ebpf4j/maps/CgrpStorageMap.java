package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * Cgroup local storage ({@code BPF_MAP_TYPE_CGRP_STORAGE}, not the older per-attachment {@code CGROUP_STORAGE}): a value per cgroup v2, written by programs with {@code bpf_cgrp_storage_get} and read or written here by the fd of the cgroup's directory (opened read-only). The storage goes when the cgroup is removed.
 *
 * <p>Local storage maps exist only with BTF, declared in an object with {@code BPF_F_NO_PREALLOC}, so they are
 * narrowed from a loaded object; the value codec is checked against the declared value type. Requires Linux 6.2.
 *
 * @param <V> value type
 */
public final class CgrpStorageMap<V> extends LocalStorageBase<V> implements BpfMap {
    private CgrpStorageMap(MapFd map, Codec<V> value) {
        super(map, value, "a cgroup (an open cgroup v2 directory)");
    }

    /** Narrows a map of a loaded object; checks type, value size and, with BTF, the value layout. */
    public static <V> CgrpStorageMap<V> of(MapHandle map, Codec<V> value) {
        return new CgrpStorageMap<>(Narrow.check(map, Codec.s32(), value, MapType.CGRP_STORAGE), value);
    }

    /** Opens a map pinned in bpffs and checks its type and value size; the view owns the new fd. */
    public static <V> CgrpStorageMap<V> openPinned(java.nio.file.Path path, Codec<V> value) {
        return new CgrpStorageMap<>(Narrow.pinned(path, Codec.s32(), value, MapType.CGRP_STORAGE), value);
    }
}
