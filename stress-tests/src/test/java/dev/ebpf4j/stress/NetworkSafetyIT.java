package dev.ebpf4j.stress;

import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Topology#verifyIsolated()} is what every traffic-sending test relies on: prove it catches a default route
 * (IPv4 and IPv6) and an interface the topology did not make. Nothing here sends a packet.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class NetworkSafetyIT {
    @Test
    void aCleanTopologyPasses() {
        try (Topology t = topology()) {
            t.verifyIsolated();
        }
        assertTrue(Topology.leftoverNamespaces("e4jsn").isEmpty());
    }

    @Test
    void catchesAnIpv4DefaultRoute() {
        try (Topology t = topology()) {
            NetNamespace a = t.namespaces().get("a");
            a.ip("route", "add", "default", "via", "10.79.0.2", "dev", "va");
            IllegalStateException e = assertThrows(IllegalStateException.class, t::verifyIsolated);
            assertTrue(e.getMessage().contains("default route"), e.getMessage());
        }
    }

    @Test
    void catchesAnIpv6DefaultRoute() {
        try (Topology t = topology()) {
            NetNamespace b = t.namespaces().get("b");
            b.ip("-6", "addr", "add", "fd79::2/64", "dev", "vb", "nodad");
            b.ip("-6", "route", "add", "default", "via", "fd79::1", "dev", "vb");
            IllegalStateException e = assertThrows(IllegalStateException.class, t::verifyIsolated);
            assertTrue(e.getMessage().contains("default route"), e.getMessage());
        }
    }

    @Test
    void catchesAForeignInterface() {
        try (Topology t = topology()) {
            NetNamespace a = t.namespaces().get("a");
            // A veth pair made behind the topology's back stands in for an interface that leads elsewhere (this kernel
            // has no dummy driver).
            a.ip("link", "add", "e4jsn-x", "type", "veth", "peer", "name", "e4jsn-y");
            IllegalStateException e = assertThrows(IllegalStateException.class, t::verifyIsolated);
            assertTrue(e.getMessage().contains("e4jsn-x") || e.getMessage().contains("e4jsn-y"), e.getMessage());
        }
    }

    @Test
    void catchesADefaultRouteInAnotherRoutingTable() {
        try (Topology t = topology()) {
            NetNamespace a = t.namespaces().get("a");
            a.ip("route", "add", "default", "via", "10.79.0.2", "dev", "va", "table", "100");
            assertThrows(IllegalStateException.class, t::verifyIsolated);
        }
    }

    private static Topology topology() {
        Topology t = Topology.create("e4jsn");
        try {
            t.veth(t.namespace("a"), "va", "10.79.0.1/24", t.namespace("b"), "vb", "10.79.0.2/24");
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }
}
