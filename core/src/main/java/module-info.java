/**
 * ebpf4j core: libbpf bundled and bound through FFM, BPF objects with CO-RE, BTF, errors, feature probes and
 * the CO-RE object builder.
 */
module dev.ebpf4j.core {
    exports dev.ebpf4j.core;
    exports dev.ebpf4j.core.btf;
    exports dev.ebpf4j.core.features;
    exports dev.ebpf4j.core.inspect;
    exports dev.ebpf4j.core.build;
    exports dev.ebpf4j.core.spi;
    // the SDK's own modules only: the k8s extension and samples build on the public API (SdkBoundaryTest in k8s-extension checks)
    exports dev.ebpf4j.core.internal.libbpf to dev.ebpf4j.maps, dev.ebpf4j.programs;

    uses dev.ebpf4j.core.spi.LibbpfLocator;
}
