package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.k8s.lb.LbObject;
import dev.ebpf4j.k8s.lb.LoadBalancer;

import java.util.List;

/** The package javadoc's example, compiled with the tests so it cannot drift from the API. */
final class PackageSnippets {
    private PackageSnippets() {}

    static void observe(EndpointResolver pods, LoadBalancer lb) throws Exception {
        // @start region="example"
        try (DatapathObserver observer = DatapathObserver.builder().resolver(pods).start();
             MetricsServer metrics = MetricsServer.start(observer.metrics(), 9962)) {
            observer.attachL7("lxc1a2b");   // a pod's host-side interface, in the calling thread's namespace
            observer.addRing(lb.object().map(LbObject.EVENTS_MAP), lb.object().map(LbObject.EVENTS_LOST_MAP));
            FlowFilter errors = FlowFilter.builder().type(List.of("l7")).httpStatus(List.of("5+")).build();
            observer.history().subscribe(f -> { if (errors.test(f)) System.out.println(FlowFormat.summary(f)); });
        }
        // @end
    }
}
