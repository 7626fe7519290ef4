package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapType;

import java.nio.file.Path;

/** The fd-level part shared by every map class. */
abstract class MapBase {
    final MapFd map;

    MapBase(MapFd map) {
        this.map = map;
    }

    public String name() { return map.name(); }

    public MapType type() { return map.type(); }

    public int keySize() { return map.keySize(); }

    public int valueSize() { return map.valueSize(); }

    public int maxEntries() { return map.maxEntries(); }

    public int flags() { return map.flags(); }

    public int fd() { return map.fd(); }

    public boolean ownsFd() { return map.owned(); }

    public void pin(Path path) { map.pin(path); }

    public void freeze() { map.freeze(); }

    public boolean isClosed() { return map.isClosed(); }

    public void close() { map.close(); }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + map + (map.isClosed() ? ", closed" : "") + "]";
    }
}
