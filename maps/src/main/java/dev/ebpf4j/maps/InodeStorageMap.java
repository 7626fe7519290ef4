package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.MapType;
import dev.ebpf4j.maps.codec.Codec;

/**
 * Inode local storage ({@code BPF_MAP_TYPE_INODE_STORAGE}): a value per inode, written by BPF LSM programs with {@code bpf_inode_storage_get} and read or written here by any fd open on the file. The map type needs CONFIG_BPF_LSM; programs that fill it need BPF LSM enabled ({@code lsm=bpf}).
 *
 * <p>Local storage maps exist only with BTF, declared in an object with {@code BPF_F_NO_PREALLOC}, so they are
 * narrowed from a loaded object; the value codec is checked against the declared value type. Requires Linux 5.10.
 *
 * @param <V> value type
 */
public final class InodeStorageMap<V> extends LocalStorageBase<V> implements BpfMap {
    private InodeStorageMap(MapFd map, Codec<V> value) {
        super(map, value, "a file (any fd open on the inode)");
    }

    /** Narrows a map of a loaded object; checks type, value size and, with BTF, the value layout. */
    public static <V> InodeStorageMap<V> of(MapHandle map, Codec<V> value) {
        return new InodeStorageMap<>(Narrow.check(map, Codec.s32(), value, MapType.INODE_STORAGE), value);
    }

    /** Opens a map pinned in bpffs and checks its type and value size; the view owns the new fd. */
    public static <V> InodeStorageMap<V> openPinned(java.nio.file.Path path, Codec<V> value) {
        return new InodeStorageMap<>(Narrow.pinned(path, Codec.s32(), value, MapType.INODE_STORAGE), value);
    }
}
