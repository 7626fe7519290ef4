/**
 * Kube-proxy-less Service load balancing, NetworkPolicy enforcement and flow observability, composed from the
 * public ebpf4j SDK and driven by the Kubernetes API.
 */
module dev.ebpf4j.k8s {
    requires dev.ebpf4j.core;
    requires dev.ebpf4j.bpf;
    requires dev.ebpf4j.maps;
    requires dev.ebpf4j.programs;
    requires kubernetes.client.api;
    requires kubernetes.model.core;
    requires kubernetes.model.discovery;
    requires kubernetes.model.networking;
    requires info.picocli;
    requires jdk.httpserver;
    // the agent's config file; snakeyaml-engine comes with fabric8's kubernetes-client-api
    requires org.snakeyaml.engine;

    exports dev.ebpf4j.k8s.model;
    exports dev.ebpf4j.k8s.policy;
    exports dev.ebpf4j.k8s.lb;
    exports dev.ebpf4j.k8s.conntrack;
    exports dev.ebpf4j.k8s.source;
    exports dev.ebpf4j.k8s.observe;
    exports dev.ebpf4j.k8s.cli;
    exports dev.ebpf4j.k8s.agent;

    // the maps module generates record codecs for the LB and policy map records
    opens dev.ebpf4j.k8s.lb to dev.ebpf4j.maps;
    opens dev.ebpf4j.k8s.policy to dev.ebpf4j.maps;
    opens dev.ebpf4j.k8s.cli to info.picocli;
}
