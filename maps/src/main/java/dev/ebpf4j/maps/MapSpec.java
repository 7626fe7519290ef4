package dev.ebpf4j.maps;

import dev.ebpf4j.core.MapType;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a standalone map is created from: type, name, key and value sizes, max entries, flags, an optional pin
 * path, and for map-in-map types the inner map template. Immutable; the {@code with*} methods return copies.
 *
 * {@snippet :
 * MapSpec spec = MapSpec.of(MapType.ARRAY, "stats", 4, 8, 64).withFlags(MapFlag.MMAPABLE);
 * try (ArrayMap<Long> stats = ArrayMap.create(spec, Codec.s64())) { ... }
 * }
 *
 * <p>With a pin path, creating opens the pinned map when one exists and checks that it is compatible (type,
 * sizes, max entries, flags), or creates the map and pins it there.
 */
public final class MapSpec {
    private final MapType type;
    private final String name;
    private final int keySize, valueSize, maxEntries;
    private final EnumSet<MapFlag> flags;
    private final Path pinPath;
    private final long mapExtra;
    private final BpfMap innerMap;

    private MapSpec(MapType type, String name, int keySize, int valueSize, int maxEntries, Set<MapFlag> flags,
                    Path pinPath, long mapExtra, BpfMap innerMap) {
        this.type = Objects.requireNonNull(type, "type");
        this.name = Objects.requireNonNull(name, "name");
        if (name.length() > 15) throw new IllegalArgumentException("map name '" + name + "' is longer than the kernel's 15 characters");
        if (keySize < 0 || valueSize < 0) throw new IllegalArgumentException("key and value sizes must not be negative");
        if (maxEntries < 0) throw new IllegalArgumentException("max entries must not be negative, got " + maxEntries);
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.flags = flags.isEmpty() ? EnumSet.noneOf(MapFlag.class) : EnumSet.copyOf(flags);
        this.pinPath = pinPath;
        this.mapExtra = mapExtra;
        this.innerMap = innerMap;
    }

    /** A spec with no flags, not pinned. */
    public static MapSpec of(MapType type, String name, int keySize, int valueSize, int maxEntries) {
        return new MapSpec(type, name, keySize, valueSize, maxEntries, Set.of(), null, 0, null);
    }

    /** A copy with these flags (replacing any set before). */
    public MapSpec withFlags(MapFlag... flags) {
        Set<MapFlag> set = EnumSet.noneOf(MapFlag.class);
        for (MapFlag f : flags) set.add(Objects.requireNonNull(f, "flag"));
        return new MapSpec(type, name, keySize, valueSize, maxEntries, set, pinPath, mapExtra, innerMap);
    }

    /** A copy with another max entries. */
    public MapSpec withMaxEntries(int maxEntries) {
        return new MapSpec(type, name, keySize, valueSize, maxEntries, flags, pinPath, mapExtra, innerMap);
    }

    /** A copy pinned at {@code path} in bpffs. */
    public MapSpec withPinPath(Path path) {
        return new MapSpec(type, name, keySize, valueSize, maxEntries, flags, Objects.requireNonNull(path), mapExtra, innerMap);
    }

    /** A copy with {@code map_extra} (for a bloom filter, the number of hash functions, 1..15). */
    public MapSpec withMapExtra(long mapExtra) {
        return new MapSpec(type, name, keySize, valueSize, maxEntries, flags, pinPath, mapExtra, innerMap);
    }

    /** A copy with the inner map template of an array- or hash-of-maps. */
    public MapSpec withInnerMap(BpfMap inner) {
        return new MapSpec(type, name, keySize, valueSize, maxEntries, flags, pinPath, mapExtra, Objects.requireNonNull(inner));
    }

    public MapType type() { return type; }

    public String name() { return name; }

    public int keySize() { return keySize; }

    public int valueSize() { return valueSize; }

    public int maxEntries() { return maxEntries; }

    public Set<MapFlag> flags() { return EnumSet.copyOf(flags); }

    /** The flags as kernel bits. */
    public int flagBits() { return MapFlag.bits(flags); }

    public Optional<Path> pinPath() { return Optional.ofNullable(pinPath); }

    public long mapExtra() { return mapExtra; }

    public Optional<BpfMap> innerMap() { return Optional.ofNullable(innerMap); }

    @Override
    public String toString() {
        return "MapSpec[" + type + " '" + name + "', key " + keySize + " B, value " + valueSize + " B, max " + maxEntries
                + ", flags " + MapFlag.describe(flagBits()) + (pinPath != null ? ", pinned at " + pinPath : "") + "]";
    }
}
