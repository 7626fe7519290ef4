package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointConditions;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.model.ServiceType;
import dev.ebpf4j.k8s.model.SessionAffinity;
import dev.ebpf4j.k8s.model.TargetPort;
import dev.ebpf4j.k8s.model.TrafficPolicy;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.ebpf4j.k8s.lb.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

class DesiredStateTest {
    private static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    private static Service dualStackLoadBalancer() {
        return new Service(name("web"), ServiceType.LOAD_BALANCER, List.of(ip("10.96.0.10"), ip("fd00::10")),
                List.of(new ServicePort("http", Protocol.TCP, 80, TargetPort.of("web"), 30080),
                        new ServicePort("dns", Protocol.UDP, 53, TargetPort.of(5353), 30053)),
                List.of(ip("192.0.2.7")), List.of(ip("198.51.100.1")), SessionAffinity.NONE,
                TrafficPolicy.LOCAL, TrafficPolicy.CLUSTER);
    }

    private static EndpointSlice dual(String name, AddressType type, List<Endpoint> eps) {
        return new EndpointSlice("default", name, name("web"), type, eps,
                List.of(new EndpointPort("http", Protocol.TCP, 8080), new EndpointPort("dns", Protocol.UDP, 5353)));
    }

    @Test
    void everyFrontendKindOfADualStackLoadBalancerService() {
        var v4 = dual("web-v4", AddressType.IPV4, List.of(ep("10.1.0.1", "n1"), ep("10.1.0.2", "n2")));
        var v6 = dual("web-v6", AddressType.IPV6, List.of(ep("fd01::1", "n1")));
        DesiredState d = DesiredState.compute(ClusterSnapshot.of(List.of(dualStackLoadBalancer()), List.of(v4, v6), 1),
                LbConfig.forNode("n1"));
        // per port: 2 cluster IPs + 2 node-port wildcards + 1 external IP + 1 LB IP = 6; 2 ports
        assertEquals(12, d.frontends().size());
        var cip4 = d.frontends().get(new Frontend(ip("10.96.0.10"), 80, Protocol.TCP, FrontendKind.CLUSTER_IP));
        assertEquals(2, cip4.active().size(), "internal policy Cluster: both nodes");
        assertFalse(cip4.local());
        var np4 = d.frontends().get(new Frontend(ip("0.0.0.0"), 30080, Protocol.TCP, FrontendKind.NODE_PORT));
        assertEquals(List.of(new Backend.Key(ip("10.1.0.1"), 8080, Protocol.TCP)), np4.active(), "external policy Local");
        assertTrue(np4.local());
        var np6 = d.frontends().get(new Frontend(ip("::"), 30053, Protocol.UDP, FrontendKind.NODE_PORT));
        assertEquals(List.of(new Backend.Key(ip("fd01::1"), 5353, Protocol.UDP)), np6.active());
        assertNotNull(d.frontends().get(new Frontend(ip("192.0.2.7"), 80, Protocol.TCP, FrontendKind.EXTERNAL_IP)));
        assertNotNull(d.frontends().get(new Frontend(ip("198.51.100.1"), 53, Protocol.UDP, FrontendKind.LOAD_BALANCER)));
        assertFalse(d.frontends().containsKey(new Frontend(ip("192.0.2.7"), 30080, Protocol.TCP, FrontendKind.EXTERNAL_IP)));
    }

    @Test
    void clusterIpOnlyConfigurationSkipsNodeFrontends() {
        var cfg = new LbConfig("n1", Selection.RANDOM, false);
        DesiredState d = DesiredState.compute(ClusterSnapshot.of(List.of(dualStackLoadBalancer()), List.of(), 1), cfg);
        assertTrue(d.frontends().keySet().stream().allMatch(f -> f.kind() == FrontendKind.CLUSTER_IP));
        assertEquals(4, d.frontends().size());
    }

    @Test
    void endpointsAreMatchedByPortNameAndProtocol() {
        var svc = web("web", VIP);
        var wrongName = new EndpointSlice("default", "web-x", name("web"), AddressType.IPV4, List.of(ep("10.1.0.9", "n1")),
                List.of(new EndpointPort("metrics", Protocol.TCP, 9090)));
        var right = slice("web", List.of(ep("10.1.0.1", "n1")));
        DesiredState d = DesiredState.compute(ClusterSnapshot.of(List.of(svc), List.of(wrongName, right), 1), LbConfig.forNode("n1"));
        var spec = d.frontends().values().iterator().next();
        assertEquals(List.of(new Backend.Key(ip("10.1.0.1"), 8080, Protocol.TCP)), spec.active());
    }

    @Test
    void notReadyNotTerminatingEndpointsAreLeftOutEntirely() {
        var notReady = new Endpoint(List.of(ip("10.1.0.5")), new EndpointConditions(false, false, false), Optional.empty(), Optional.empty());
        var terminatingNotServing = new Endpoint(List.of(ip("10.1.0.6")), new EndpointConditions(false, false, true), Optional.empty(), Optional.empty());
        DesiredState d = DesiredState.compute(ClusterSnapshot.of(List.of(web("web", VIP)),
                List.of(slice("web", List.of(notReady, terminatingNotServing, terminating("10.1.0.7")))), 1), LbConfig.forNode("n1"));
        var spec = d.frontends().values().iterator().next();
        assertEquals(List.of(), spec.active());
        assertEquals(Set.of(new Backend.Key(ip("10.1.0.7"), 8080, Protocol.TCP)), spec.terminating());
        assertEquals(1, d.backends().size());
    }

    @Test
    void sharedBackendIsActiveIfAnyServiceSeesItReady() {
        var a = web("a", VIP);
        var b = web("b", ip("10.96.0.11"));
        var sa = new EndpointSlice("default", "a-1", name("a"), AddressType.IPV4, List.of(ep("10.1.0.1", "n1")),
                List.of(new EndpointPort("http", Protocol.TCP, 8080)));
        var sb = new EndpointSlice("default", "b-1", name("b"), AddressType.IPV4, List.of(terminating("10.1.0.1")),
                List.of(new EndpointPort("http", Protocol.TCP, 8080)));
        DesiredState d = DesiredState.compute(ClusterSnapshot.of(List.of(a, b), List.of(sa, sb), 1), LbConfig.forNode("n1"));
        assertEquals(BackendState.ACTIVE, d.backends().get(new Backend.Key(ip("10.1.0.1"), 8080, Protocol.TCP)));
    }

    @Test
    void headlessServicesGetNoFrontend() {
        var headless = new Service(name("h"), ServiceType.CLUSTER_IP, List.of(), List.of(ServicePort.of("http", Protocol.TCP, 80)),
                List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER, TrafficPolicy.CLUSTER);
        assertTrue(DesiredState.compute(ClusterSnapshot.of(List.of(headless), List.of(), 1), LbConfig.forNode("n1")).frontends().isEmpty());
    }
}
