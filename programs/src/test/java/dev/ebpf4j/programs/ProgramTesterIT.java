package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.programs.packet.ParsedPacket;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BPF_PROG_TEST_RUN of XDP, TC, socket filter and cgroup skb programs on built packets. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class ProgramTesterIT {
    private static final String A = "02:00:00:00:00:01", B = "02:00:00:00:00:02";

    @Test
    void xdpVerdictsOutputAndTiming() {
        // region test-run
        try (BpfObject obj = TestObjects.open("xdp_count").constant("drop_port", 7777).load()) {
            XdpProgram xdp = XdpProgram.of(obj.program("xdp_count"));
            byte[] drop = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").udp(1000, 7777).build();
            byte[] pass = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").udp(1000, 80).build();
            TestRun dropped = ProgramTester.of(xdp).repeat(1000).run(drop);
            assertEquals(TestRun.XDP_DROP, dropped.verdict());
            assertTrue(dropped.nanosPerRun() < 1_000_000, "per-run time is measured: " + dropped.nanosPerRun());
            System.out.println("xdp_count test run: " + dropped.nanosPerRun() + " ns per run over 1000 runs");
            TestRun passed = ProgramTester.of(xdp).run(pass);
            assertEquals(TestRun.XDP_PASS, passed.verdict());
            assertArrayEquals(pass, passed.output());
            assertEquals(1001, TestObjects.u64(obj.map("counts"), 0), "the program really ran 1000 + 1 times");
            byte[] ctx = ProgramTester.xdpContext(pass.length, 1 /* lo */, 0);
            TestRun withContext = ProgramTester.of(xdp).run(pass, ctx);
            assertEquals(TestRun.XDP_PASS, withContext.verdict());
            assertTrue(withContext.context().isPresent());
        }
        // endregion
    }

    @Test
    void tcRewriteIsVisibleInTheParsedOutputAndContext() {
        try (BpfObject obj = TestObjects.open("tc").load()) {
            TcProgram tc = TcProgram.of(obj.program("tc_rewrite"));
            byte[] frame = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").udp(5555, 9000)
                    .payload("payload".getBytes()).build();
            TestRun run = ProgramTester.of(tc).run(frame, ProgramTester.skbContext(0, 0));
            assertEquals(TestRun.TC_ACT_UNSPEC, run.verdict());
            ParsedPacket out = ParsedPacket.parse(run.output());
            assertEquals(9001, out.l4().orElseThrow().destinationPort(), "port rewritten");
            assertTrue(out.l4().orElseThrow().checksumValid(), "checksum updated with the rewrite");
            assertEquals(0x42, ProgramTester.skbMark(run.context().orElseThrow()), "skb->mark written by the program");
        }
    }

    @Test
    void socketFilterAndCgroupSkb() {
        try (BpfObject obj = TestObjects.open("sock").load()) {
            byte[] even = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").udp(1, 7000).payload(new byte[] {2}).build();
            byte[] odd = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").udp(1, 7000).payload(new byte[] {3}).build();
            SocketFilterProgram filter = SocketFilterProgram.of(obj.program("drop_odd"));
            assertTrue(ProgramTester.of(filter).run(even).verdict() > 0, "even payload kept");
            assertEquals(0, ProgramTester.of(filter).run(odd).verdict(), "odd payload dropped");
            CgroupSkbProgram skb = CgroupSkbProgram.of(obj.program("skb_count"));
            assertEquals(1, ProgramTester.of(skb).run(even).verdict(), "cgroup skb allows");
        }
    }

    @Test
    void narrowingNamesTheActualType() {
        try (BpfObject obj = TestObjects.open("tc").load()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> XdpProgram.of(obj.program("tc_rewrite")));
            assertTrue(e.getMessage().contains("SCHED_CLS"), e.getMessage());
        }
    }
}
