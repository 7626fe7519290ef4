package dev.ebpf4j.maps;

import java.util.Set;

/** Map creation flags ({@code BPF_F_*} in {@code map_flags}). */
public enum MapFlag {
    /** Allocate hash entries on demand instead of up front (required for LPM tries). */
    NO_PREALLOC(1),
    /** LRU maps: one LRU list per CPU instead of a common one. */
    NO_COMMON_LRU(1 << 1),
    /** Place the map on a NUMA node. */
    NUMA_NODE(1 << 2),
    /** Read-only from user space (syscall side). */
    RDONLY(1 << 3),
    /** Write-only from user space. */
    WRONLY(1 << 4),
    /** Stack trace maps store build ids. */
    STACK_BUILD_ID(1 << 5),
    /** Zero hash seed (tests only). */
    ZERO_SEED(1 << 6),
    /** Read-only from BPF programs. */
    RDONLY_PROG(1 << 7),
    /** Write-only from BPF programs. */
    WRONLY_PROG(1 << 8),
    /** Clone the map when attaching (sk storage). */
    CLONE(1 << 9),
    /** Array can be memory-mapped into user space. */
    MMAPABLE(1 << 10),
    /** Keep elements of a prog array when the map is released by its user. */
    PRESERVE_ELEMS(1 << 11),
    /** The map is an inner map template. */
    INNER_MAP(1 << 12);

    private final int bit;

    MapFlag(int bit) {
        this.bit = bit;
    }

    /** The kernel's bit. */
    public int bit() {
        return bit;
    }

    /** The bitwise or of the flags. */
    public static int bits(Set<MapFlag> flags) {
        int v = 0;
        for (MapFlag f : flags) v |= f.bit;
        return v;
    }

    /** Names the set bits, for messages (unknown bits as hex). */
    public static String describe(int bits) {
        StringBuilder sb = new StringBuilder("[");
        int rest = bits;
        for (MapFlag f : values()) {
            if ((bits & f.bit) != 0) {
                if (sb.length() > 1) sb.append(", ");
                sb.append(f.name());
                rest &= ~f.bit;
            }
        }
        if (rest != 0) sb.append(sb.length() > 1 ? ", " : "").append(String.format("0x%x", rest));
        return sb.append(']').toString();
    }
}
