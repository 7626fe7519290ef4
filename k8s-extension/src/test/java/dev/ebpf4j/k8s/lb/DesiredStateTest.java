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

    /** The active backends of web's cluster IP, by last address octet. */
    private static List<String> activeOf(Service svc, List<Endpoint> eps, LbConfig config) {
        DesiredState d = DesiredState.compute(ClusterSnapshot.of(List.of(svc), List.of(slice("web", eps)), 1), config);
        return d.frontends().get(new Frontend(VIP, 80, Protocol.TCP, FrontendKind.CLUSTER_IP)).active().stream()
                .map(k -> k.address().getHostAddress().substring("10.1.0.".length())).toList();
    }

    @Test
    void topologyAwareServicesPreferTheEndpointsHintedForTheNodesZoneUnderKubeProxysConditions() {
        Service svc = web("web", VIP).withTopologyAware(true);
        LbConfig inA = LbConfig.forNode("n1").withZone("a");
        Endpoint a1 = ep("10.1.0.1", "n1").withZoneHints(Set.of("a")), a2 = ep("10.1.0.2", "n2").withZoneHints(Set.of("a", "c"));
        Endpoint b3 = ep("10.1.0.3", "n3").withZoneHints(Set.of("b")), bare4 = ep("10.1.0.4", "n4");
        assertEquals(List.of("1", "2"), activeOf(svc, List.of(a1, a2, b3), inA), "hinted for zone a");
        assertEquals(List.of("3"), activeOf(svc, List.of(a1, a2, b3), LbConfig.forNode("n3").withZone("b")));
        assertEquals(List.of("1", "2", "3"), activeOf(svc.withTopologyAware(false), List.of(a1, a2, b3), inA), "not asked for");
        assertEquals(List.of("1", "2", "3"), activeOf(svc, List.of(a1, a2, b3), LbConfig.forNode("n1")), "node without a zone");
        assertEquals(List.of("1", "2", "3", "4"), activeOf(svc, List.of(a1, a2, b3, bare4), inA), "a ready endpoint without hints");
        assertEquals(List.of("3"), activeOf(svc, List.of(b3), inA), "nothing hinted for zone a: every ready endpoint");
        Endpoint a1Gone = a1.withConditions(EndpointConditions.TERMINATING), bare4Gone = bare4.withConditions(EndpointConditions.TERMINATING);
        assertEquals(List.of("2"), activeOf(svc, List.of(a1Gone, a2, b3, bare4Gone), inA), "not-ready endpoints are not judged");
        Service local = svc.withTrafficPolicies(TrafficPolicy.CLUSTER, TrafficPolicy.LOCAL);
        assertEquals(List.of("3"), activeOf(local, List.of(a1, a2, b3), LbConfig.forNode("n3").withZone("a")),
                "a Local policy takes the node's own endpoints, whatever their hints");
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
