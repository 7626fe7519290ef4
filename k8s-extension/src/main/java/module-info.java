/**
 * Kube-proxy-less Service load balancing, NetworkPolicy enforcement and flow observability, composed from the
 * public ebpf4j SDK and driven by the Kubernetes API.
 */
module dev.ebpf4j.k8s {
    requires dev.ebpf4j.core;
    requires dev.ebpf4j.maps;
    requires dev.ebpf4j.programs;
    requires dev.ebpf4j.bpf;
    requires kubernetes.client.api;
    requires kubernetes.model.core;
    requires kubernetes.model.discovery;
    requires kubernetes.model.networking;
    requires info.picocli;
    requires jdk.httpserver;

    // exports dev.ebpf4j.k8s.model; (empty in branch observe: restore when merged)
    // exports dev.ebpf4j.k8s.lb; (empty in branch observe: restore when merged)
    // exports dev.ebpf4j.k8s.policy; (empty in branch observe: restore when merged)
    // exports dev.ebpf4j.k8s.source; (empty in branch observe: restore when merged)
    exports dev.ebpf4j.k8s.observe;
exports dev.ebpf4j.k8s.cli;

opens dev.ebpf4j.k8s.cli to info.picocli;
}
