package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.bpf.BpfObjects;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.Namespace;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.source.PolicyInformerSource;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void enforce(List<Namespace> namespaces, List<Pod> pods, List<NetworkPolicy> policies, InetAddress nodeIp,
                        InetAddress clientIp, InetAddress serverIp) throws Exception {
        // @start region="example"
        ClusterState state = new ClusterState(namespaces, pods, policies, Map.of("node-1", List.of(nodeIp)));
        Verdict v = new PolicyEvaluator(state).evaluate(new Probe(clientIp, serverIp, 80, L4Protocol.TCP));
        System.out.println(v);   // ALLOW (egress: not isolated; ingress: allowed by prod/api ingress[0])

        try (PolicyEnforcer enforcer = PolicyEnforcer.start(PolicyEnforcerConfig.forNode("node-1")
                     .withPinDirectory(Path.of("/sys/fs/bpf/ebpf4j")));        // policy-v1/maps/<map name>
             PolicyInformerSource source = PolicyInformerSource.connect()) {
            enforcer.follow(source);                     // maps first, then tcx on every local pod's interface
            source.start(Duration.ofSeconds(30));
            enforcer.awaitSynced(source, Duration.ofSeconds(30));
        }   // with pins, enforcement keeps running; the next start re-adopts it

        // the parts, by hand:
        try (BpfObject obj = BpfObjects.open(BpfObjects.POLICY).load();
             KernelPolicyMaps maps = KernelPolicyMaps.of(obj)) {
            new NodePolicyUpdater("node-1", maps).apply(state);   // again on every change
        }
        // @end
    }
}
