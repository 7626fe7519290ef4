package dev.ebpf4j.maps;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.internal.Scratch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.Optional;

/**
 * The syscall side of a local storage map (socket, cgroup, task, inode): the value lives on a kernel object, and user
 * space names that object by an fd it holds (a socket, a cgroup directory, a pidfd, any file), so the key is an fd.
 * The kernel has no key iteration for these maps (an object is not a key it can hand back), so there is none here.
 */
abstract class LocalStorageBase<V> extends MapBase {
    final Codec<V> valueCodec;
    private final String keyKind;

    LocalStorageBase(MapFd map, Codec<V> valueCodec, String keyKind) {
        super(map);
        this.valueCodec = Objects.requireNonNull(valueCodec, "value codec");
        this.keyKind = keyKind;
    }

    private MemorySegment key(Scratch s, int fd) {
        if (fd < 0) throw new IllegalArgumentException("the key of " + name() + " is the fd of " + keyKind + ", got " + fd);
        MemorySegment k = s.key(4);
        k.set(ValueLayout.JAVA_INT, 0, fd);
        return k;
    }

    /**
     * The value stored on the object behind {@code fd}, or empty if none is.
     *
     * @throws dev.ebpf4j.core.BpfException EBADF if {@code fd} is not open, or another errno if it is not the right
     *         kind of object
     */
    public Optional<V> get(int fd) {
        Scratch s = Scratch.local();
        MemorySegment k = key(s, fd);
        MemorySegment v = s.value(valueCodec.size());
        return map.lookup(k, v) ? Optional.of(valueCodec.decode(v, 0)) : Optional.empty();
    }

    /** Stores {@code value} on the object behind {@code fd} (creating the storage if needed). */
    public void put(int fd, V value) {
        put(fd, value, PutMode.ANY);
    }

    /** Stores {@code value} with a mode: {@link PutMode#NO_EXIST} / {@link PutMode#EXIST} throw KeyExists/KeyNotFound. */
    public void put(int fd, V value, PutMode mode) {
        Objects.requireNonNull(value, "value is null");
        Objects.requireNonNull(mode, "mode is null");
        Scratch s = Scratch.local();
        MemorySegment k = key(s, fd);
        MemorySegment v = s.value(valueCodec.size());
        valueCodec.encode(value, v, 0);
        map.update(k, v, mode.flag());
    }

    /** Removes the storage from the object behind {@code fd}; false if it had none. */
    public boolean remove(int fd) {
        return map.delete(key(Scratch.local(), fd));
    }
}
