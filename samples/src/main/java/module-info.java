/** Runnable ebpf4j samples on real network namespaces. */
module dev.ebpf4j.samples {
    requires dev.ebpf4j.core;
    requires dev.ebpf4j.maps;
    requires dev.ebpf4j.programs;
    requires dev.ebpf4j.bpf;
    requires dev.ebpf4j.testkit;
    requires dev.ebpf4j.k8s;
    requires jdk.httpserver;
}
