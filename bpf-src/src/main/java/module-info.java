/**
 * ebpf4j's own BPF programs as compiled CO-RE objects, loaded with {@link dev.ebpf4j.bpf.BpfObjects}.
 */
module dev.ebpf4j.bpf {
    requires transitive dev.ebpf4j.core;
    exports dev.ebpf4j.bpf;
    // The objects are resources of this package: opened so that code outside the module may read them directly too.
    opens dev.ebpf4j.bpf;
}
