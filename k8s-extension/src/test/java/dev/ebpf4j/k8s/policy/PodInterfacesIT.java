package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.Pod;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Pod interface lookup against a real routing table, read inside a test namespace: host routes to a device (IPv4
 * and IPv6) are found; subnet routes, routes through a gateway and the loopback are not; the node's own addresses
 * are those of the namespace, not of the process.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class PodInterfacesIT {

    private static Pod pod(String name, String... ips) {
        return new Pod("ns", name, Map.of(), List.of(ips).stream().map(InetAddress::ofLiteral).toList(), "n1", List.of());
    }

    @Test
    void hostRoutesFindPodsOnTheirDevicesOnly() {
        try (Topology t = Topology.create("e4jpi")) {
            NetNamespace node = t.namespace("node");
            NetNamespace pod = t.namespace("pod");
            t.veth(node, "lxc-a", "192.0.2.1/32", pod, "eth0", "10.9.0.1/32");
            node.ip("-6", "addr", "add", "fd00:9::1/128", "dev", "lo");
            node.ip("route", "add", "10.9.0.1/32", "dev", "lxc-a");
            node.ip("-6", "route", "add", "fd00:9::5/128", "dev", "lxc-a");
            node.ip("route", "add", "10.9.1.0/24", "dev", "lxc-a");
            node.ip("route", "add", "10.9.0.254/32", "dev", "lxc-a");
            node.ip("route", "add", "10.9.0.2/32", "via", "10.9.0.254", "dev", "lxc-a");
            node.ip("addr", "add", "10.9.0.3/32", "dev", "lo");
            t.verifyIsolated();
            List<Pod> pods = List.of(pod("a", "10.9.0.1"), pod("six", "fd00:9::5"), pod("subnet", "10.9.1.7"),
                    pod("gw", "10.9.0.2"), pod("lo", "10.9.0.3"));
            Map<String, String> found = node.call(() -> PodInterfaces.hostRoutes().resolve(pods));
            assertEquals(Map.of("ns/a", "lxc-a", "ns/six", "lxc-a"), found,
                    "gateway-less host routes only: not a subnet route, a route via a gateway, or a local address");
            List<InetAddress> local = node.call(RouteTable::localAddresses);
            assertTrue(local.containsAll(List.of(InetAddress.ofLiteral("192.0.2.1"), InetAddress.ofLiteral("10.9.0.3"),
                    InetAddress.ofLiteral("fd00:9::1"))), "the namespace's addresses: " + local);
            assertFalse(local.contains(InetAddress.ofLiteral("10.9.0.1")), "not the pod's: " + local);
            assertEquals(Map.of("ns/a", "veth-x"), PodInterfaces.fixed(Map.of("ns/a", "veth-x", "ns/other", "y")).resolve(pods));
        }
    }
}
