package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.programs.internal.TcFilterDump;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RTM_GETTFILTER dump lists cls_bpf filters made by tc(8) and by us, in run order, and nothing without a qdisc. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class TcFilterDumpIT {

    @Test
    void listsClsBpfFiltersOfBothHooksInPriorityOrder() throws Exception {
        try (NetNamespace ns = NetNamespace.create("e4j-prog-dump");
             BpfObject obj = TestObjects.open("tc").load()) {
            ns.ip("link", "add", "dv0", "type", "veth", "peer", "name", "dv1");
            int ifindex = ns.call(() -> dev.ebpf4j.programs.internal.Libc.ifindex("dv0"));
            assertEquals(List.of(), ns.call(() -> TcFilterDump.list(ifindex, true)), "no clsact qdisc: nothing listed");

            ns.tc("qdisc", "add", "dev", "dv0", "clsact");
            ns.tc("filter", "add", "dev", "dv0", "ingress", "prio", "10", "handle", "1", "bpf", "da", "obj",
                    TestObjects.objectFile("foreign").toString(), "sec", "tc");
            TcProgram tc = TcProgram.of(obj.program("tc_rewrite"));
            try (Link link = ns.call(() -> tc.attach("dv0", TcDirection.INGRESS, TcOptions.defaults().strategy(AttachStrategy.NETLINK).filter(2, 5)))) {
                List<TcFilterDump.Filter> ingress = ns.call(() -> TcFilterDump.list(ifindex, true));
                assertEquals(2, ingress.size(), ingress.toString());
                TcFilterDump.Filter ours = ingress.get(0), foreign = ingress.get(1);
                assertEquals(List.of(ifindex, 2, 5, tc.id(), 0x0003), List.of(ours.ifindex(), ours.priority(), ours.handle(),
                        ours.programId(), ours.protocol()), "libbpf's filter: ETH_P_ALL");
                assertTrue(ours.ingress() && ours.directAction() && ours.kind().equals("bpf"), ours.toString());
                assertEquals(16, ours.tag().length(), ours.tag());
                assertEquals(List.of(10, 1), List.of(foreign.priority(), foreign.handle()));
                assertTrue(foreign.name().startsWith("foreign.bpf.o:[tc]") && foreign.programId() > 0 && foreign.directAction(), foreign.toString());
                assertEquals(List.of(), ns.call(() -> TcFilterDump.list(ifindex, false)), "nothing on egress");
            }
            assertEquals(1, ns.call(() -> TcFilterDump.list(ifindex, true)).size(), "ours detached, tc's stays");
        }
    }
}
