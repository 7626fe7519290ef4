package dev.ebpf4j.k8s.agent;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * How one map's entries change from one layout version to the next: the key and value sizes on both sides (checked
 * against the pinned map and the new object's map, whose sizes are those of their BTF types) and a function that
 * writes the new key and value from the old ones. Entries are converted one at a time, so a conversion must depend on
 * nothing but the entry itself.
 *
 * {@snippet :
 * // layout 2 appends a __u32 to struct lb_rev (20 -> 24 bytes): keep the old bytes, zero the new field
 * MapConverter rev = MapConverter.ofValue("lb_sock_rev", 32, 20, 24, (oldValue, newValue) ->
 *         MemorySegment.copy(oldValue, 0, newValue, 0, 20));
 * }
 *
 * @param map          the map's name in the object
 * @param oldKeySize   key size in the older layout
 * @param oldValueSize value size in the older layout (per CPU, for per-CPU maps)
 * @param newKeySize   key size in the newer layout
 * @param newValueSize value size in the newer layout (per CPU, for per-CPU maps)
 * @param conversion   writes one new entry from one old entry
 */
record MapConverter(String map, int oldKeySize, int oldValueSize, int newKeySize, int newValueSize, Conversion conversion) {

    /** Writes the new key and value of one entry; the new segments come zero-filled. */
    @FunctionalInterface
    interface Conversion {
        void convert(MemorySegment oldKey, MemorySegment oldValue, MemorySegment newKey, MemorySegment newValue);
    }

    /** Converts only the value; the key is copied as it is. */
    @FunctionalInterface
    interface ValueConversion {
        void convert(MemorySegment oldValue, MemorySegment newValue);
    }

    MapConverter {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(conversion, "conversion");
        if (oldKeySize <= 0 || newKeySize <= 0 || oldValueSize <= 0 || newValueSize <= 0) {
            throw new IllegalArgumentException("map " + map + ": key and value sizes must be positive");
        }
    }

    /** A converter whose key layout stays as it is. */
    static MapConverter ofValue(String map, int keySize, int oldValueSize, int newValueSize, ValueConversion conversion) {
        return new MapConverter(map, keySize, oldValueSize, keySize, newValueSize, (ok, ov, nk, nv) -> {
            MemorySegment.copy(ok, 0, nk, 0, keySize);
            conversion.convert(ov, nv);
        });
    }

    /** This converter followed by {@code next} (the next layout step of the same map). */
    MapConverter then(MapConverter next) {
        if (next.oldKeySize != newKeySize || next.oldValueSize != newValueSize) {
            throw new IllegalStateException("map " + map + ": one layout step produces key " + newKeySize + " / value "
                    + newValueSize + " bytes but the next step expects key " + next.oldKeySize + " / value " + next.oldValueSize);
        }
        return new MapConverter(map, oldKeySize, oldValueSize, next.newKeySize, next.newValueSize, (ok, ov, nk, nv) -> {
            MemorySegment midKey = MemorySegment.ofArray(new byte[newKeySize]);
            MemorySegment midValue = MemorySegment.ofArray(new byte[newValueSize]);
            conversion.convert(ok, ov, midKey, midValue);
            next.conversion.convert(midKey, midValue, nk, nv);
        });
    }

    /** The sizes as "key K / value V -> key K' / value V'". */
    String describe() {
        return "key " + oldKeySize + " / value " + oldValueSize + " -> key " + newKeySize + " / value " + newValueSize + " bytes";
    }
}
