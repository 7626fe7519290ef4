package dev.ebpf4j.testkit;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Namespaces, veths, the isolation check and cleanup, against the real kernel. */
class TopologyIT {
    @Test
    void vethPairConnectsTwoNamespacesAndCleanupRemovesThem() throws Exception {
        String a, b;
        try (Topology t = Topology.create("e4jtk")) {
            NetNamespace na = t.namespace("a"), nb = t.namespace("b");
            a = na.name();
            b = nb.name();
            t.veth(na, "va", "10.41.0.1/24", nb, "vb", "10.41.0.2/24");
            t.verifyIsolated();
            String own = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
            String inside = na.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            assertNotEquals(own, inside, "call() runs inside the namespace");
            assertEquals(own, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString(), "the caller stays put");
            assertTrue(na.ip("-4", "addr", "show", "va").contains("10.41.0.1/24"));
            assertEquals(0, na.exec("ip", "route", "get", "10.41.0.2").exitCode(), "the peer is reachable");
        }
        assertFalse(Files.exists(Path.of("/run/netns", a)));
        assertFalse(Files.exists(Path.of("/run/netns", b)));
    }

    @Test
    void isolationCheckRejectsADefaultRouteAndForeignInterfaces() {
        try (Topology t = Topology.create("e4jtk")) {
            NetNamespace na = t.namespace("a"), nb = t.namespace("b");
            t.veth(na, "va", "10.42.0.1/24", nb, "vb", "10.42.0.2/24");
            na.ip("route", "add", "default", "via", "10.42.0.2");
            IllegalStateException route = assertThrows(IllegalStateException.class, t::verifyIsolated);
            assertTrue(route.getMessage().contains("default route"), route.getMessage());
            na.ip("route", "del", "default");
            t.verifyIsolated();
            nb.ip("link", "add", "stray0", "type", "veth", "peer", "name", "stray1");
            IllegalStateException stray = assertThrows(IllegalStateException.class, t::verifyIsolated);
            assertTrue(stray.getMessage().contains("interface stray"), stray.getMessage());
        }
        assertTrue(Topology.leftoverNamespaces("e4jtk").isEmpty());
    }

    @Test
    void cgroupRunInsideMovesTheJvmAndBack() throws Exception {
        String before = Files.readString(Path.of("/proc/self/cgroup"));
        try (TestCgroup cg = TestCgroup.create("e4j-tk")) {
            String inside = cg.runInside(() -> Files.readString(Path.of("/proc/self/cgroup")));
            assertTrue(inside.contains("0::/" + cg.path().getFileName()), inside);
            assertEquals(before, Files.readString(Path.of("/proc/self/cgroup")));
        }
    }
}
