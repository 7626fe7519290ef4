package dev.ebpf4j.k8s.conntrack;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbObject;

import java.time.Duration;

/** The package javadoc's examples, compiled with the tests so they cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static ConntrackTimeouts timeouts() {
        // @start region="timeouts"
        ConntrackTimeouts timeouts = ConntrackTimeouts.defaults()   // Cilium's: 6 h / 60 s / 10 s / 60 s
                .withTcpEstablished(Duration.ofHours(1))
                .withOther(Duration.ofSeconds(30));
        // @end
        return timeouts;
    }

    static void gc() {
        // @start region="gc"
        LbConfig config = LbConfig.forNode("node-1").withConntrack(ConntrackTimeouts.defaults());
        try (BpfObject lb = LbObject.configure(LbObject.open(), config).load();
             ConntrackGc gc = ConntrackGc.forLoadBalancer(lb, config.conntrack())) {
            gc.start(config.conntrack().gcInterval());   // max(1 s, shortest timeout / 2)
            // ... gc.entries(), gc.deletedTotal() for /metrics
        }
        // @end
    }
}
