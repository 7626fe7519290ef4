package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.source.ClusterSnapshot;

import java.nio.file.Path;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void run(ClusterSnapshot snapshot) throws Exception {
        // @start region="example"
        // java -p ... -m dev.ebpf4j.k8s/dev.ebpf4j.k8s.agent.Agent --manifests /etc/ebpf4j/manifests --cgroup /sys/fs/cgroup/kubepods
        // java -cp ... dev.ebpf4j.k8s.agent.Agent --config /etc/ebpf4j/agent.yaml     (deploy/configmap.yaml)
        // java -cp ... dev.ebpf4j.k8s.agent.Agent --kubeconfig --cgroup /sys/fs/cgroup --policy   (LB and NetworkPolicy)
        try (Agent agent = Agent.start(AgentOptions.DEFAULT_PIN_DIR, LbConfig.forNode("node-1"), Path.of("/sys/fs/cgroup/kubepods"))) {
            agent.controller().sync(snapshot);
        }
        Agent.uninstall(AgentOptions.DEFAULT_PIN_DIR);   // detach and remove the pins
        // @end
    }
}
