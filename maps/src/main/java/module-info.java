/**
 * ebpf4j maps: typed views of every networking map type, codecs checked against BTF, batch and mmap access,
 * ring and perf buffer readers, and a labelled in-memory simulation for tests without root.
 */
module dev.ebpf4j.maps {
    requires transitive dev.ebpf4j.core;
    requires net.bytebuddy;

    exports dev.ebpf4j.maps;
    exports dev.ebpf4j.maps.codec;
    exports dev.ebpf4j.maps.sim;
    exports dev.ebpf4j.maps.ringbuf;
}
