package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.ContainerPort;
import dev.ebpf4j.k8s.model.HostPortServices;
import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** What a pod's host ports become in the desired state: frontends on its own node only, backed by the pod alone. */
class HostPortFrontendsTest {
    private static final InetAddress V4 = InetAddress.ofLiteral("10.1.0.5"), V6 = InetAddress.ofLiteral("fd00::5");
    /** The node's addresses as NetworkInterface lists them: loopback and link-local too. */
    private static final LbConfig NODE = LbConfig.forNode("n1").withNodeAddresses(List.of(InetAddress.ofLiteral("192.0.2.1"),
            InetAddress.ofLiteral("2001:db8::1"), InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("::1"),
            InetAddress.ofLiteral("fe80::1")));

    private static DesiredState desired(LbConfig config, Pod... pods) {
        List<dev.ebpf4j.k8s.model.Service> services = new ArrayList<>();
        List<dev.ebpf4j.k8s.model.EndpointSlice> slices = new ArrayList<>();
        for (Pod p : pods) {
            HostPortServices hp = HostPortServices.of(p);
            services.addAll(hp.services());
            slices.addAll(hp.slices());
        }
        return DesiredState.compute(ClusterSnapshot.of(services, slices, 1), config);
    }

    private static Pod pod(String node, List<InetAddress> ips, ContainerPort... ports) {
        return new Pod("default", "web", Map.of(), ips, node, List.of(ports));
    }

    private static Frontend frontend(String address, int port, Protocol protocol) {
        return new Frontend(InetAddress.ofLiteral(address), port, protocol, FrontendKind.HOST_PORT);
    }

    @Test
    void aHostPortIsAFrontendOnEachNodeAddressOfTheFamilyBackedByThePodsContainerPort() {
        ContainerPort dns = new ContainerPort("dns", 53, L4Protocol.UDP).withHostPort(5353);
        DesiredState d = desired(NODE, pod("n1", List.of(V4, V6), dns));
        assertEquals(List.of(new Backend.Key(V4, 53, Protocol.UDP)), d.frontends().get(frontend("192.0.2.1", 5353, Protocol.UDP)).active());
        assertEquals(List.of(new Backend.Key(V6, 53, Protocol.UDP)), d.frontends().get(frontend("2001:db8::1", 5353, Protocol.UDP)).active());
        assertEquals(2, d.frontends().size(), "no wildcard, loopback, link-local or cluster IP frontend: " + d.frontends().keySet());
        assertEquals(FrontendKind.HOST_PORT, d.frontends().keySet().iterator().next().kind());
    }

    @Test
    void aHostIpBindsThatAddressOnlyAndOnlyWhenItIsTheNodes() {
        ContainerPort p = new ContainerPort("http", 8080, L4Protocol.TCP, 8081, Optional.of(InetAddress.ofLiteral("192.0.2.1")));
        DesiredState d = desired(NODE, pod("n1", List.of(V4, V6), p));
        assertEquals(List.of(frontend("192.0.2.1", 8081, Protocol.TCP)), List.copyOf(d.frontends().keySet()));
        ContainerPort foreign = new ContainerPort("http", 8080, L4Protocol.TCP, 8081, Optional.of(InetAddress.ofLiteral("198.51.100.7")));
        assertTrue(desired(NODE, pod("n1", List.of(V4), foreign)).frontends().isEmpty(),
                "an address that is not the node's would take traffic meant for it");
    }

    @Test
    void anotherNodesPodsAndPodsWithoutAddressesContributeNothing() {
        ContainerPort p = new ContainerPort("http", 8080, L4Protocol.TCP).withHostPort(8081);
        assertTrue(desired(NODE, pod("n2", List.of(V4), p)).frontends().isEmpty(), "pod on n2");
        assertTrue(desired(NODE, pod("n1", List.of(), p)).frontends().isEmpty(), "pod without an IP");
        assertTrue(desired(LbConfig.forNode("n1"), pod("n1", List.of(V4), p)).frontends().isEmpty(), "no node addresses known");
        assertTrue(desired(new LbConfig("n1", Selection.RANDOM, false).withNodeAddresses(NODE.nodeAddresses()),
                pod("n1", List.of(V4), p)).frontends().isEmpty(), "node ports off: the node-port datapath that would serve it is not attached");
    }

    @Test
    void containerPortsCheckTheirHostPorts() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ContainerPort("http", 8080, L4Protocol.TCP, 70000, Optional.empty()));
        assertTrue(e.getMessage().contains("hostPort 70000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ContainerPort("http", 8080, L4Protocol.TCP, 0, Optional.of(InetAddress.ofLiteral("192.0.2.1"))));
        assertTrue(e.getMessage().contains("set hostPort or remove hostIP"), e.getMessage());
        assertEquals(Optional.empty(), new ContainerPort("http", 8080, L4Protocol.TCP, 8081, Optional.of(InetAddress.ofLiteral("0.0.0.0"))).hostIp(),
                "0.0.0.0 is every address");
    }
}
