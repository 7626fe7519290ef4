package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.channels.DatagramChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TC attach on tcx and netlink, proving a foreign filter installed first survives our attach and detach. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class TcIT {
    private Topology topology;
    private NetNamespace a, b;

    @BeforeEach
    void topology() {
        topology = Topology.create("e4jpt");
        a = topology.namespace("a");
        b = topology.namespace("b");
        topology.veth(a, "va", "10.21.0.1/24", b, "vb", "10.21.0.2/24");
        topology.verifyIsolated();
    }

    @AfterEach
    void cleanup() {
        topology.close();
        assertTrue(Topology.leftoverNamespaces("e4jpt").isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = AttachStrategy.class, names = {"LINK", "NETLINK"})
    void countsAndRewritesWhileAForeignFilterSurvives(AttachStrategy strategy) throws Exception {
        // region tc-foreign-filter
        int vb = b.call(() -> java.net.NetworkInterface.getByName("vb").getIndex());
        if (strategy == AttachStrategy.LINK) {
            org.junit.jupiter.api.Assumptions.assumeTrue(b.call(() -> TcProgram.hasTcx(vb, TcDirection.INGRESS)),
                    "needs tcx: Linux 6.6+");
        }
        b.tc("qdisc", "add", "dev", "vb", "clsact");
        b.tc("filter", "add", "dev", "vb", "ingress", "prio", "10", "handle", "1", "bpf", "da", "obj",
                TestObjects.objectFile("foreign").toString(), "sec", "tc");
        String foreignFilter = b.tc("filter", "show", "dev", "vb", "ingress");
        assertTrue(foreignFilter.contains("foreign"), foreignFilter);
        try (BpfObject obj = TestObjects.open("tc").load();
             DatagramChannel original = Traffic.bind(b, "10.21.0.2", 9000);
             DatagramChannel rewritten = Traffic.bind(b, "10.21.0.2", 9001);
             DatagramChannel blocked = Traffic.bind(b, "10.21.0.2", 7777)) {
            TcProgram tc = TcProgram.of(obj.program("tc_rewrite"));
            if (strategy == AttachStrategy.NETLINK) {
                BpfException taken = assertThrows(BpfException.class, () -> b.call(() -> tc.attach("vb", TcDirection.INGRESS,
                        TcOptions.defaults().strategy(AttachStrategy.NETLINK).filter(10, 1))));
                assertEquals(dev.ebpf4j.core.Errno.EEXIST, taken.errno(), "the foreign filter's priority/handle is not taken over");
            }
            TcOptions options = TcOptions.defaults().strategy(strategy).filter(1, 1);
            try (Link link = b.call(() -> tc.attach("vb", TcDirection.INGRESS, options))) {
                assertTrue((strategy == AttachStrategy.LINK ? BpfLink.class : NetlinkTcLink.class).isInstance(link), link.toString());
                LinkInfo info = link.info();
                assertEquals(tc.id(), info.programId());
                assertEquals(vb, info.detail("ifindex"));
                Traffic.send(a, "10.21.0.2", 9000, 5);
                Traffic.send(a, "10.21.0.2", 7777, 3);
                assertEquals(5, Traffic.drain(rewritten).size(), "port 9000 rewritten to 9001");
                assertEquals(0, Traffic.drain(original).size());
                assertEquals(0, Traffic.drain(blocked).size(), "the foreign filter still runs with ours attached");
                assertEquals(8, TestObjects.u64(obj.map("counts"), 0));
                assertEquals(5, TestObjects.u64(obj.map("counts"), 1));
            }
            String after = b.tc("filter", "show", "dev", "vb", "ingress");
            assertTrue(after.contains("foreign"), "foreign filter survives our detach: " + after);
            assertFalse(after.contains("tc_rewrite"), "our filter is gone: " + after);
            assertTrue(b.tc("qdisc", "show", "dev", "vb").contains("clsact"), "the clsact we did not create stays");
            Traffic.send(a, "10.21.0.2", 9000, 2);
            Traffic.send(a, "10.21.0.2", 7777, 2);
            assertEquals(2, Traffic.drain(original).size(), "no rewriting after detach");
            assertEquals(0, Traffic.drain(blocked).size(), "the foreign filter still drops after our detach");
        }
        // endregion
    }

    @Test
    void netlinkCreatesClsactOnlyWhenMissingAndChoosesNoPriorityOfItsOwn() throws Exception {
        // region tc-netlink
        try (BpfObject obj = TestObjects.open("tc").load()) {
            TcProgram tc = TcProgram.of(obj.program("tc_rewrite"));
            TcOptions netlink = TcOptions.defaults().strategy(AttachStrategy.NETLINK);
            try (NetlinkTcLink first = (NetlinkTcLink) b.call(() -> tc.attach("vb", TcDirection.EGRESS, netlink.filter(5, 7)));
                 NetlinkTcLink second = (NetlinkTcLink) b.call(() -> tc.attach("vb", TcDirection.EGRESS, netlink))) {
                assertTrue(first.createdQdisc(), "no clsact existed: the first attach made it");
                assertFalse(second.createdQdisc(), "the second found it");
                assertEquals(5, first.priority());
                assertEquals(7, first.handle());
                assertTrue(second.priority() > 0, "kernel-chosen priority is reported: " + second.priority());
                assertEquals("egress", first.info().detail("direction"));
            }
            assertFalse(b.tc("filter", "show", "dev", "vb", "egress").contains("tc_rewrite"), "both filters removed");
        }
        // endregion
    }

    @Test
    void tcxOrdersBeforeAndAfterAndUpdates() throws Exception {
        // region tcx-order
        int vb = b.call(() -> java.net.NetworkInterface.getByName("vb").getIndex());
        org.junit.jupiter.api.Assumptions.assumeTrue(b.call(() -> TcProgram.hasTcx(vb, TcDirection.INGRESS)),
                "needs tcx: Linux 6.6+");
        try (BpfObject obj = TestObjects.open("tc").load();
             DatagramChannel sink = Traffic.bind(b, "10.21.0.2", 9100)) {
            TcProgram first = TcProgram.of(obj.program("tc_order_a")), second = TcProgram.of(obj.program("tc_order_b"));
            try (BpfLink la = (BpfLink) b.call(() -> first.attach("vb", TcDirection.INGRESS));
                 Link lb = b.call(() -> second.attach("vb", TcDirection.INGRESS, TcOptions.defaults().before(la)))) {
                assertEquals(LinkType.TCX, la.info().type());
                assertEquals(TcDirection.INGRESS.tcxAttachType(), la.info().detail("attach_type"));
                Traffic.send(a, "10.21.0.2", 9100, 1);
                assertEquals(1, Traffic.drain(sink).size());
                assertEquals(1, TestObjects.u64(obj.map("counts"), 3), "b, placed before a, runs first");
                assertEquals(2, TestObjects.u64(obj.map("counts"), 2));
                lb.close();
                try (Link after = b.call(() -> second.attach("vb", TcDirection.INGRESS, TcOptions.defaults().after(first)))) {
                    Traffic.send(a, "10.21.0.2", 9100, 1);
                    assertEquals(1, Traffic.drain(sink).size());
                    assertTrue(TestObjects.u64(obj.map("counts"), 2) < TestObjects.u64(obj.map("counts"), 3),
                            "placed after program a (anchored by program fd), b now runs second");
                }
                la.update(TcProgram.of(obj.program("tc_rewrite")));
                assertEquals(obj.program("tc_rewrite").fd() > 0 ? TcProgram.of(obj.program("tc_rewrite")).id() : 0,
                        la.info().programId(), "link update swaps the program");
            }
        }
        // endregion
    }
}
