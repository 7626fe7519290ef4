package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * Socket local storage ({@code BPF_MAP_TYPE_SK_STORAGE}): a value per socket, written by programs with {@code bpf_sk_storage_get} (sockops, cgroup sock hooks, tc, {@code tp_btf} tracing) and read or written here by the socket's fd. The storage goes when the socket closes.
 *
 * <p>Local storage maps exist only with BTF, declared in an object with {@code BPF_F_NO_PREALLOC}, so they are
 * narrowed from a loaded object; the value codec is checked against the declared value type. Requires Linux 5.2.
 *
 * @param <V> value type
 */
public final class SkStorageMap<V> extends LocalStorageBase<V> implements BpfMap {
    private SkStorageMap(MapFd map, Codec<V> value) {
        super(map, value, "a socket");
    }

    /** Narrows a map of a loaded object; checks type, value size and, with BTF, the value layout. */
    public static <V> SkStorageMap<V> of(MapHandle map, Codec<V> value) {
        return new SkStorageMap<>(Narrow.check(map, Codec.s32(), value, MapType.SK_STORAGE), value);
    }

    /** Opens a map pinned in bpffs and checks its type and value size; the view owns the new fd. */
    public static <V> SkStorageMap<V> openPinned(java.nio.file.Path path, Codec<V> value) {
        return new SkStorageMap<>(Narrow.pinned(path, Codec.s32(), value, MapType.SK_STORAGE), value);
    }
}
