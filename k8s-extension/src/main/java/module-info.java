/**
 * Kube-proxy-less Service load balancing, NetworkPolicy enforcement and flow observability, composed from the
 * public ebpf4j SDK and driven by the Kubernetes API.
 */
module dev.ebpf4j.k8s {
    requires dev.ebpf4j.core;
    requires dev.ebpf4j.maps;
    requires kubernetes.client.api;
    requires kubernetes.model.core;
    requires kubernetes.model.discovery;
    requires kubernetes.model.networking;

    exports dev.ebpf4j.k8s.model;
    // exports dev.ebpf4j.k8s.lb; (empty on the k8s-policy branch; the Service LB branch restores it)
    exports dev.ebpf4j.k8s.policy;
    // exports dev.ebpf4j.k8s.source; (empty on the k8s-policy branch; the Service LB branch restores it)
}
