package dev.ebpf4j.maps;

/** Index checks for array-like maps, so an out-of-range index fails before it reaches the kernel. */
final class Index {
    private Index() {}

    static void check(String map, long index, int max) {
        if (index < 0 || index >= max) {
            throw new IndexOutOfBoundsException("index " + index + " is outside map '" + map + "' (0.." + (max - 1) + ")");
        }
    }
}
