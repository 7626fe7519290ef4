package dev.ebpf4j.maps.codec;

/** C layout arithmetic. */
final class Layout {
    private Layout() {}

    static long alignUp(long n, long alignment) {
        return (n + alignment - 1) / alignment * alignment;
    }
}
