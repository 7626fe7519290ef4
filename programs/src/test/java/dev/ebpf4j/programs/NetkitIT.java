package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.NotSupportedException;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.channels.DatagramChannel;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A netkit pair between two test namespaces, made through rtnetlink, with programs on both sides through netkit links:
 * the primary's program drops UDP to one port (the other passes), the peer's counts what the peer sends. The host
 * kernel has no netkit (CONFIG_NETKIT off), so this runs in the qemu guest (tag "guest").
 */
@Tag("guest")
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class NetkitIT {
    private static final int DROPPED = 7901, PASSED = 7902, BACK = 7903;

    @Test
    void primaryVerdictsApplyAndThePeerSideRunsItsOwnProgram() throws Exception {
        try (NetNamespace host = NetNamespace.create("e4jp-nkh");
             NetNamespace pod = NetNamespace.create("e4jp-nkp")) {
            // region netkit
            NetkitDevice pair = host.call(() -> {
                try {
                    return NetkitDevice.create("e4jnk0", "e4jnk1", NetkitDevice.Mode.L3, NetkitDevice.Policy.FORWARD,
                            NetkitDevice.Policy.FORWARD, Optional.of(pod.path()));
                } catch (NotSupportedException e) {
                    Assumptions.abort("needs netkit devices (Linux 6.7+, CONFIG_NETKIT): " + e.getMessage());
                    throw e;
                }
            });
            // Loaded after the pair exists: a kernel without netkit also refuses the netkit attach types at load.
            try (pair; BpfObject obj = TestObjects.open("netkit").constant("drop_port", DROPPED).load()) {
                host.ip("addr", "add", "10.77.0.1/24", "dev", "e4jnk0");
                host.ip("link", "set", "e4jnk0", "up");
                pod.ip("addr", "add", "10.77.0.2/24", "dev", "e4jnk1");
                pod.ip("link", "set", "e4jnk1", "up");
                TcProgram primary = TcProgram.of(obj.program("primary_drop_port"));
                TcProgram peer = TcProgram.of(obj.program("peer_count"));
                try (DatagramChannel dropped = Traffic.bind(pod, "10.77.0.2", DROPPED);
                     DatagramChannel passed = Traffic.bind(pod, "10.77.0.2", PASSED);
                     DatagramChannel back = Traffic.bind(host, "10.77.0.1", BACK)) {
                    try (BpfLink p = host.call(() -> primary.attachNetkit(pair, NetkitDevice.Side.PRIMARY));
                         BpfLink q = host.call(() -> peer.attachNetkit(pair, NetkitDevice.Side.PEER))) {
                        assertEquals(LinkType.NETKIT, p.info().type());
                        Traffic.send(host, "10.77.0.2", DROPPED, 5);
                        Traffic.send(host, "10.77.0.2", PASSED, 3);
                        Traffic.send(pod, "10.77.0.1", BACK, 2);
                        int gotDropped = Traffic.drain(dropped).size(), gotPassed = Traffic.drain(passed).size(), gotBack = Traffic.drain(back).size();
                        String counts = "received " + gotDropped + "/" + gotPassed + "/" + gotBack + ", verdicts pass "
                                + TestObjects.u64(obj.map("verdicts"), 0) + " drop " + TestObjects.u64(obj.map("verdicts"), 1)
                                + " peer " + TestObjects.u64(obj.map("verdicts"), 2) + ", runs " + TestObjects.u64(obj.map("verdicts"), 3)
                                + "/" + TestObjects.u64(obj.map("verdicts"), 4);
                        System.out.println("netkit: " + counts);
                        assertEquals(0, gotDropped, "the primary's program dropped these: " + counts);
                        assertEquals(3, gotPassed, "and passed these");
                        assertEquals(2, gotBack, "the peer's program passes what the pod sends");
                        assertEquals(3, TestObjects.u64(obj.map("verdicts"), 0), "primary pass verdicts");
                        assertEquals(5, TestObjects.u64(obj.map("verdicts"), 1), "primary drop verdicts");
                        assertEquals(2, TestObjects.u64(obj.map("verdicts"), 2), "datagrams the peer side saw");
                    }
                    Traffic.send(host, "10.77.0.2", DROPPED, 4);
                    assertEquals(4, Traffic.drain(dropped).size(), "the device policy forwards once the links are closed");
                    assertEquals(5, TestObjects.u64(obj.map("verdicts"), 1), "the program no longer runs");
                }
            }
            // endregion
        }
    }
}
