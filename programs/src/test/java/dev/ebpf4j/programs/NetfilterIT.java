package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.features.KernelVersion;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.DatagramChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A netfilter link at IPv4 LOCAL_IN of a test namespace drops UDP to one port and passes another; closing it restores
 * delivery. Skips only where the kernel lacks netfilter links.
 */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class NetfilterIT {
    private static final int DROPPED = 7801, PASSED = 7802;

    @Test
    void dropsUdpToOnePortUntilTheLinkCloses() throws Exception {
        Assumptions.assumeTrue(KernelVersion.running().atLeast(6, 4), "needs netfilter programs (Linux 6.4+)");
        try (NetNamespace ns = NetNamespace.create("e4jp-nf");
             BpfObject obj = TestObjects.open("netfilter").constant("drop_port", DROPPED).load();
             DatagramChannel dropped = Traffic.bind(ns, "127.0.0.1", DROPPED);
             DatagramChannel passed = Traffic.bind(ns, "127.0.0.1", PASSED)) {
            ns.verifyNoRouteOut();
            NetfilterProgram prog = NetfilterProgram.of(obj.program("drop_udp_port"));
            // region netfilter-attach
            BpfLink link = ns.call(() -> attachOrSkip(prog));
            try (link) {
                assertEquals(LinkType.NETFILTER, link.info().type());
                Traffic.send(ns, "127.0.0.1", DROPPED, 5);
                Traffic.send(ns, "127.0.0.1", PASSED, 3);
                assertEquals(0, Traffic.drain(dropped).size(), "datagrams to the dropped port never arrive");
                assertEquals(3, Traffic.drain(passed).size(), "the other port still receives");
                assertEquals(5, TestObjects.u64(obj.map("verdicts"), 0), "NF_DROP verdicts");
                assertEquals(3, TestObjects.u64(obj.map("verdicts"), 1), "NF_ACCEPT verdicts for UDP");
            }
            // endregion
            Traffic.send(ns, "127.0.0.1", DROPPED, 4);
            assertEquals(4, Traffic.drain(dropped).size(), "delivery restored once the link is closed");
            assertEquals(5, TestObjects.u64(obj.map("verdicts"), 0), "the program no longer runs");
            assertThrows(IllegalArgumentException.class, () -> prog.attach(NetfilterProgram.Family.IPV4,
                    NetfilterProgram.Hook.LOCAL_IN, Integer.MIN_VALUE, 0));
        }
    }

    private static BpfLink attachOrSkip(NetfilterProgram prog) {
        try {
            return prog.attach(NetfilterProgram.Family.IPV4, NetfilterProgram.Hook.LOCAL_IN, -128, 0);
        } catch (BpfException e) {
            // EOPNOTSUPP/EINVAL: no BPF_NETFILTER link type (before 6.4, or CONFIG_NETFILTER_BPF_LINK off).
            Assumptions.assumeTrue(e.errno() != Errno.EOPNOTSUPP && e.errno() != Errno.EINVAL,
                    "needs netfilter links (Linux 6.4+, CONFIG_NETFILTER_BPF_LINK): " + e.getMessage());
            throw e;
        }
    }
}
