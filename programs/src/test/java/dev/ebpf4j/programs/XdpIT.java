package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.DatagramChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XDP on veths between test namespaces, with real UDP traffic. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class XdpIT {
    private static final int PASS_PORT = 9000, DROP_PORT = 7777;
    private Topology topology;
    private NetNamespace a, b;

    @BeforeEach
    void topology() {
        topology = Topology.create("e4jpx");
        a = topology.namespace("a");
        b = topology.namespace("b");
        topology.veth(a, "va", "10.11.0.1/24", b, "vb", "10.11.0.2/24");
        topology.verifyIsolated();
    }

    @AfterEach
    void cleanup() {
        topology.close();
        assertTrue(Topology.leftoverNamespaces("e4jpx").isEmpty(), "namespaces left behind");
    }

    private static BpfObject load(int redirectIfindex) {
        return TestObjects.open("xdp_count").constant("drop_port", DROP_PORT)
                .constant("redirect_ifindex", redirectIfindex).load();
    }

    @Test
    void linkDropsChosenPortAndPassesTheRest() throws Exception {
        // region xdp-link
        for (XdpMode mode : new XdpMode[] {XdpMode.NATIVE, XdpMode.GENERIC}) {
            try (BpfObject obj = load(0);
                 DatagramChannel pass = Traffic.bind(b, "10.11.0.2", PASS_PORT);
                 DatagramChannel drop = Traffic.bind(b, "10.11.0.2", DROP_PORT)) {
                XdpProgram xdp = XdpProgram.of(obj.program("xdp_count"));
                try (Link link = b.call(() -> xdp.attach("vb", new XdpOptions(mode, AttachStrategy.LINK, java.util.Optional.empty())))) {
                    assertTrue(link instanceof BpfLink, "a kernel with XDP links gives a BpfLink");
                    LinkInfo info = link.info();
                    assertEquals(LinkType.XDP, info.type());
                    assertEquals(xdp.id(), info.programId());
                    assertEquals(b.call(() -> java.net.NetworkInterface.getByName("vb").getIndex()), info.detail("ifindex"));
                    Traffic.send(a, "10.11.0.2", PASS_PORT, 10);
                    Traffic.send(a, "10.11.0.2", DROP_PORT, 5);
                    assertEquals(10, Traffic.drain(pass).size(), mode + ": passed datagrams arrive");
                    assertEquals(0, Traffic.drain(drop).size(), mode + ": dropped datagrams never arrive");
                }
                MapHandle counts = obj.map("counts");
                assertEquals(15, TestObjects.u64(counts, 0), mode + ": UDP packets seen");
                assertEquals(5, TestObjects.u64(counts, 1), mode + ": UDP packets dropped");
                assertFalse(b.ip("link", "show", "vb").contains("xdp"), "link close detaches");
            }
        }
        // endregion
    }

    @Test
    void offloadModeIsPassedThroughAndRefusedByVeth() {
        // region xdp-offload
        try (BpfObject obj = load(0)) {
            XdpProgram xdp = XdpProgram.of(obj.program("xdp_count"));
            for (AttachStrategy s : new AttachStrategy[] {AttachStrategy.LINK, AttachStrategy.NETLINK}) {
                XdpOptions offload = XdpOptions.defaults().mode(XdpMode.OFFLOAD).strategy(s);
                assertThrows(BpfException.class, () -> b.run(() -> xdp.attach("vb", offload).close()),
                        s + ": veth has no offload, so an explicit offload request fails instead of falling back");
            }
            assertFalse(b.ip("link", "show", "vb").contains("xdp"));
        }
        // endregion
    }

    @Test
    void netlinkAttachNeverDisplacesAnotherProgramAndDetachesOnlyItsOwn() throws Exception {
        // region xdp-netlink
        try (BpfObject obj = load(0); BpfObject other = load(0);
             DatagramChannel drop = Traffic.bind(b, "10.11.0.2", DROP_PORT)) {
            XdpProgram ours = XdpProgram.of(obj.program("xdp_count"));
            XdpProgram theirs = XdpProgram.of(other.program("xdp_count"));
            XdpOptions netlink = XdpOptions.defaults().mode(XdpMode.NATIVE).strategy(AttachStrategy.NETLINK);
            Link first = b.call(() -> ours.attach(b.call(() -> java.net.NetworkInterface.getByName("vb").getIndex()), netlink));
            try {
                assertTrue(first instanceof NetlinkXdpLink);
                assertEquals(ours.id(), first.info().programId());
                BpfException busy = assertThrows(BpfException.class, () -> b.run(() -> theirs.attach("vb", XdpMode.NATIVE)));
                assertTrue(busy.getMessage().contains("xdp"), busy.getMessage());
                int vb = b.call(() -> java.net.NetworkInterface.getByName("vb").getIndex());
                try (Link second = b.call(() -> theirs.attach(vb, netlink.replacing(ours)))) {
                    first.close(); // our program is no longer attached: this must not detach theirs
                    assertTrue(b.ip("link", "show", "vb").contains("prog/xdp id " + theirs.id()),
                            "the replacing program survives the replaced link's close");
                    Traffic.send(a, "10.11.0.2", DROP_PORT, 3);
                    assertEquals(0, Traffic.drain(drop).size());
                    assertEquals(3, TestObjects.u64(other.map("counts"), 1), "the replacing program runs");
                    second.update(ours); // netlink update: XDP_FLAGS_REPLACE naming the program it expects
                    assertEquals(ours.id(), second.info().programId());
                    assertTrue(b.ip("link", "show", "vb").contains("prog/xdp id " + ours.id()));
                }
                assertFalse(b.ip("link", "show", "vb").contains("prog/xdp"), "closing the owner detaches");
            } finally {
                first.close();
            }
        }
        // endregion
    }

    @Test
    void linkUpdateSwapsTheProgram() throws Exception {
        try (BpfObject obj = load(0); BpfObject other = load(0);
             DatagramChannel drop = Traffic.bind(b, "10.11.0.2", DROP_PORT)) {
            XdpProgram first = XdpProgram.of(obj.program("xdp_count"));
            XdpProgram second = XdpProgram.of(other.program("xdp_count"));
            try (Link link = b.call(() -> first.attach("vb", XdpMode.NATIVE))) {
                link.update(second);
                assertEquals(second.id(), link.info().programId());
                Traffic.send(a, "10.11.0.2", DROP_PORT, 2);
                assertEquals(0, Traffic.drain(drop).size());
                assertEquals(0, TestObjects.u64(obj.map("counts"), 1), "the old program no longer runs");
                assertEquals(2, TestObjects.u64(other.map("counts"), 1), "the new one does");
            }
        }
    }

    @Test
    void redirectsToAnotherVeth() throws Exception {
        // region xdp-redirect
        NetNamespace c = topology.namespace("c");
        topology.veth(b, "vb2", "10.12.0.1/24", c, "vc", "10.12.0.2/24");
        topology.verifyIsolated();
        int vb2 = b.call(() -> java.net.NetworkInterface.getByName("vb2").getIndex());
        try (BpfObject obj = load(vb2);
             DatagramChannel drop = Traffic.bind(b, "10.11.0.2", DROP_PORT);
             Link target = c.call(() -> XdpProgram.of(obj.program("xdp_target")).attach("vc", XdpMode.NATIVE));
             Link redirect = b.call(() -> XdpProgram.of(obj.program("xdp_redirect")).attach("vb", XdpMode.NATIVE))) {
            Traffic.send(a, "10.11.0.2", DROP_PORT, 7);
            assertEquals(0, Traffic.drain(drop).size(), "redirected datagrams do not reach b's socket");
            assertEquals(7, TestObjects.u64(obj.map("counts"), 2), "redirected in b");
            assertEquals(7, TestObjects.u64(obj.map("counts"), 3), "arrived at c's veth");
        }
        // endregion
    }
}
