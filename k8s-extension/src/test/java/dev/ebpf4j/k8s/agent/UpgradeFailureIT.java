package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.internal.KernelObjects;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Upgrades that must not happen, against the test-only layout 2 of {@link LayoutUpgradeIT}: no converter path, a
 * changed map with no converter, a converter that does not match the pin, and a conversion failing after the links
 * were already switched. Each fails with an {@link IllegalStateException} naming what is wrong, and leaves layout 1
 * serving: same pins, same links running the same layout 1 programs, Service traffic (TCP and UDP) answered.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class UpgradeFailureIT {
    @BeforeAll
    static void compileLayout2() throws Exception {
        LayoutUpgradeIT.compileLayout2();
    }

    @Test
    void unconvertibleChangesFailNamingTheDifferenceAndLeaveLayout1Serving() throws Exception {
        try (AgentTestbed bed = new AgentTestbed("e4juf", 2)) {
            bed.udpServers(5353);
            startLayout1(bed);
            List<KernelObjects.LinkEntry> before = KernelObjects.cgroupLinks(bed.cgroup.path());

            var none = assertThrows(IllegalStateException.class, () -> startLayout2(bed, LayoutMigration.DEFAULT));
            assertTrue(none.getMessage().contains("layout version 1") && none.getMessage().contains("layout version 2")
                    && none.getMessage().contains("no converter from layout 1 to 2"), none.getMessage());
            assertLayout1Serving(bed, before);

            // A step 1 -> 2 exists but does not cover lb_sock_rev, whose value grew.
            LayoutMigration otherMap = LayoutMigration.builder().step(1, MapConverter.ofValue("lb_sock_fwd", 32, 4, 4,
                    (o, n) -> n.copyFrom(o))).build();
            var missing = assertThrows(IllegalStateException.class, () -> startLayout2(bed, otherMap));
            assertTrue(missing.getMessage().startsWith("map lb_sock_rev pinned at ")
                    && missing.getMessage().contains("(layout 1) cannot become layout 2's: value size 20 (object has 24)")
                    && missing.getMessage().contains("no converter from layout 1 to 2 is registered for lb_sock_rev"), missing.getMessage());
            assertLayout1Serving(bed, before);

            LayoutMigration wrong = LayoutMigration.builder().step(1, MapConverter.ofValue("lb_sock_rev", 32, 28, 24,
                    (o, n) -> { })).build();
            var mismatch = assertThrows(IllegalStateException.class, () -> startLayout2(bed, wrong));
            assertTrue(mismatch.getMessage().contains("value size 20 (the converter 1->2 expects 28)"), mismatch.getMessage());
            assertLayout1Serving(bed, before);
            System.out.println("refused upgrades:\n  " + none.getMessage() + "\n  " + missing.getMessage() + "\n  " + mismatch.getMessage());
        }
    }

    @Test
    void failureAfterTheLinkSwitchRollsBackToLayout1() throws Exception {
        try (AgentTestbed bed = new AgentTestbed("e4jur", 2)) {
            bed.udpServers(5353);
            startLayout1(bed);
            List<KernelObjects.LinkEntry> before = KernelObjects.cgroupLinks(bed.cgroup.path());
            assertLayout1Serving(bed, before); // makes lb_sock_rev entries
            int entries = LayoutUpgradeIT.revEntries(bed.pinDir.resolve("lb-v1/maps/lb_sock_rev"));
            assertTrue(entries > 0);
            // The first copy converts every entry; the second (after the links switched, at commit) fails at once.
            AtomicInteger conversions = new AtomicInteger();
            var e = assertThrows(IllegalStateException.class,
                    () -> startLayout2(bed, LayoutUpgradeIT.converting(conversions, entries)));
            assertEquals("conversion failure injected by the test", e.getMessage());
            assertEquals(entries + 1, conversions.get(), "failed in the second copy, after the switch");
            assertLayout1Serving(bed, before);

            // And the upgrade, retried with a working converter, goes through.
            try (Agent v2 = startLayout2(bed, LayoutUpgradeIT.converting(new AtomicInteger(), Integer.MAX_VALUE))) {
                assertEquals(8, v2.report().adoptedLinks());
            }
            assertFalse(Files.exists(bed.pinDir.resolve("lb-v1")));
            assertEquals(LayoutUpgradeIT.ids(before, true), LayoutUpgradeIT.ids(KernelObjects.cgroupLinks(bed.cgroup.path()), true));
        }
    }

    private static void startLayout1(AgentTestbed bed) {
        try (Agent v1 = Agent.start(bed.pinDir, LayoutUpgradeIT.CONFIG, bed.cgroup.path())) {
            v1.controller().sync(LayoutUpgradeIT.snapshot());
        }
    }

    private static Agent startLayout2(AgentTestbed bed, LayoutMigration migrations) {
        return Agent.start(bed.pinDir, LayoutUpgradeIT.CONFIG, bed.cgroup.path(), Map.of(), LayoutUpgradeIT.layout2(migrations));
    }

    /** The same links run the same programs, layout 1's pins are all there, and the Service answers TCP and UDP. */
    private static void assertLayout1Serving(AgentTestbed bed, List<KernelObjects.LinkEntry> before) throws Exception {
        assertEquals(before, KernelObjects.cgroupLinks(bed.cgroup.path()), "links and their programs unchanged");
        Path v1 = bed.pinDir.resolve("lb-v1");
        assertEquals(20, KernelObjects.pinnedMap(v1.resolve("maps/lb_sock_rev")).valueSize());
        try (var s = Files.list(v1.resolve("links"))) {
            assertEquals(8, s.count());
        }
        assertFalse(Files.exists(bed.pinDir.resolve("lb-v2")), "no layout 2 pins");
        assertFalse(Files.exists(bed.pinDir.resolve("lb-v2-staging")), "no staging left");
        bed.cgroup.runInside(() -> bed.client.call(() -> {
            assertTrue(AgentTestbed.request(80).matches("b[12]"));
            try (DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET)) {
                udp.bind(new InetSocketAddress(0));
                DatagramSocket s = udp.socket();
                s.setSoTimeout(3000);
                LayoutUpgradeIT.send(s, "ping");
                DatagramPacket p = LayoutUpgradeIT.receive(s);
                assertEquals(new InetSocketAddress(AgentTestbed.VIP, 53), p.getSocketAddress());
            }
            return null;
        }));
    }
}
