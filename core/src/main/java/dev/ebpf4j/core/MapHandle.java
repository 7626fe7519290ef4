package dev.ebpf4j.core;

import dev.ebpf4j.core.btf.Btf;
import dev.ebpf4j.core.internal.libbpf.MapPointers;
import dev.ebpf4j.core.internal.libbpf.ObjectCalls;
import dev.ebpf4j.core.internal.libbpf.Strings;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A map of a loaded {@link BpfObject}: its kernel fd and its definition. The object owns the fd; this handle
 * borrows it and fails with {@link IllegalStateException} once the object is closed. The maps module narrows it
 * to a typed map, for example {@code HashMap.of(handle, keyCodec, valueCodec)}.
 */
public final class MapHandle {
    private final BpfObject owner;
    private final String name;
    private final MapType type;
    private final int keySize, valueSize, maxEntries, flags, fd, btfKeyTypeId, btfValueTypeId;
    private final Optional<Path> pinPath;
    private final MemorySegment pointer;

    static {
        MapPointers.install(h -> h.pointer);
    }

    private MapHandle(BpfObject owner, String name, MapType type, int keySize, int valueSize, int maxEntries, int flags,
                      int fd, int btfKeyTypeId, int btfValueTypeId, Optional<Path> pinPath, MemorySegment pointer) {
        this.owner = owner;
        this.pointer = pointer;
        this.name = name;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.flags = flags;
        this.fd = fd;
        this.btfKeyTypeId = btfKeyTypeId;
        this.btfValueTypeId = btfValueTypeId;
        this.pinPath = pinPath;
    }

    static MapHandle of(BpfObject owner, String name, MemorySegment m) {
        return BpfObjectSpec.call(() -> {
            String pin = Strings.read((MemorySegment) ObjectCalls.MAP_PIN_PATH.invokeExact(m));
            return new MapHandle(owner, name, MapType.of((int) ObjectCalls.MAP_TYPE.invokeExact(m)),
                    (int) ObjectCalls.MAP_KEY_SIZE.invokeExact(m), (int) ObjectCalls.MAP_VALUE_SIZE.invokeExact(m),
                    (int) ObjectCalls.MAP_MAX_ENTRIES.invokeExact(m), (int) ObjectCalls.MAP_FLAGS.invokeExact(m),
                    (int) ObjectCalls.MAP_FD.invokeExact(m), (int) ObjectCalls.MAP_BTF_KEY_TYPE_ID.invokeExact(m),
                    (int) ObjectCalls.MAP_BTF_VALUE_TYPE_ID.invokeExact(m),
                    pin.isEmpty() ? Optional.empty() : Optional.of(Path.of(pin)), m);
        });
    }

    public String name() { return name; }

    public MapType type() { return type; }

    public int keySize() { return keySize; }

    /** The value size as declared; per-CPU maps hold one such value per possible CPU. */
    public int valueSize() { return valueSize; }

    public int maxEntries() { return maxEntries; }

    /** The {@code BPF_F_*} map flags. */
    public int flags() { return flags; }

    /** The map's fd, owned by the object. */
    public int fd() {
        owner.checkOpen();
        if (fd < 0) throw new IllegalStateException("map '" + name + "' was not created (autocreate off)");
        return fd;
    }

    /** The object's BTF id of the key type, if the map was declared with BTF. */
    public Optional<Integer> btfKeyTypeId() { return btfKeyTypeId == 0 ? Optional.empty() : Optional.of(btfKeyTypeId); }

    /** The object's BTF id of the value type, if the map was declared with BTF. */
    public Optional<Integer> btfValueTypeId() { return btfValueTypeId == 0 ? Optional.empty() : Optional.of(btfValueTypeId); }

    /** The BTF that {@link #btfKeyTypeId()} and {@link #btfValueTypeId()} refer to. */
    public Optional<Btf> btf() { return owner.btf(); }

    /** Where the map is pinned, if it is. */
    public Optional<Path> pinPath() { return pinPath; }

    /** The object that owns this map. */
    public BpfObject owner() { return owner; }

    @Override
    public String toString() {
        return "map " + name + " (" + type + ", key " + keySize + " B, value " + valueSize + " B, max " + maxEntries + ")";
    }
}
