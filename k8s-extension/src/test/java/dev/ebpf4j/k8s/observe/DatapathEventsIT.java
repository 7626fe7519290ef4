package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.maps.RingBuffer;
import dev.ebpf4j.maps.ringbuf.RingBufferReader;
import dev.ebpf4j.programs.ProgramTester;
import dev.ebpf4j.programs.TcProgram;
import dev.ebpf4j.programs.TestRun;
import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Datapath programs run on crafted packets (BPF_PROG_TEST_RUN); their ring buffer records decode into the expected
 * flows: TRACE/DROP/TRANSLATED through observe_skb.h as LB and policy programs use it, and the L7 capture's HTTP/DNS
 * heuristics.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class DatapathEventsIT {
    static final String A = "02:00:00:00:00:01", B = "02:00:00:00:00:02";

    static List<Flow> run(BpfObject obj, String program, String ring, byte[]... packets) {
        TcProgram p = TcProgram.of(obj.program(program));
        for (byte[] packet : packets) ProgramTester.of(p).run(packet);
        FlowAssembler assembler = new FlowAssembler(new FlowDecoder(EndpointResolver.none(), KernelClock.system()));
        FlowEventView view = new FlowEventView();
        List<Flow> flows = new ArrayList<>();
        try (RingBufferReader reader = RingBufferReader.of(RingBuffer.of(obj.map(ring)))) {
            reader.poll(Duration.ofMillis(100), (source, record) -> assembler.accept(view.wrap(record), flows::add));
        }
        return flows;
    }

    @Test
    void dropTraceAndTranslationEventsDecode() throws Exception {
        Path object = Files.createTempDirectory("ebpf4j-emit").resolve("observe_emit_test.bpf.o");
        BpfBuilder.create().includeDirectory(ObserveObjects.SOURCES.toAbsolutePath())
                .compile(Path.of("src/test/bpf/observe_emit_test.bpf.c"), object);
        try (BpfObject obj = BpfObject.open(object).load()) {
            byte[] telnet = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 23, Packets.TCP_SYN, 1).build();
            byte[] vip = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.96.0.10").tcp(40001, 80, Packets.TCP_SYN, 1).build();
            byte[] dns6 = Packets.ethernet(A, B).ipv6("fd00::1", "fd00::2").udp(5353, 53).payload(new byte[12]).build();
            assertEquals(TestRun.TC_ACT_SHOT, ProgramTester.of(TcProgram.of(obj.program("emit_test"))).run(telnet).verdict());
            List<Flow> flows = run(obj, "emit_test", "test_events", telnet, vip, dns6);
            // the first SHOT run above also emitted: skip it
            assertEquals(4, flows.size(), flows.toString());
            Flow drop = flows.get(1);
            assertEquals(FlowType.DROP, drop.type());
            assertEquals(DropReason.POLICY_DENIED, drop.dropReason());
            assertEquals("SYN", drop.tcpFlagNames());
            assertEquals("10.0.0.2:23", drop.destination().display());
            assertEquals(TrafficDirection.INGRESS, drop.direction());
            Flow nat = flows.get(2);
            assertEquals(Verdict.TRANSLATED, nat.verdict());
            assertEquals(new ServiceTranslation(InetAddress.getByName("10.96.0.10"), 80), nat.translation());
            assertEquals("10.0.1.5:8080", nat.destination().display(), nat.toString());
            assertTrue(FlowFormat.summary(nat).endsWith("TCP [SYN] TRANSLATED via 10.96.0.10:80"), FlowFormat.summary(nat));
            Flow udp6 = flows.get(3);
            assertEquals(FlowType.TRACE, udp6.type());
            assertEquals("UDP", udp6.protocolName());
            assertEquals("[fd00::1]:5353", udp6.source().display());
        }
    }

    @Test
    void l7CaptureCopiesHttpAndDnsOnlyAndTheyParse() throws Exception {
        try (BpfObject obj = BpfObject.open(ObserveObjects.compile("observe_l7")).load()) {
            byte[] get = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 8080, Packets.TCP_ACK | Packets.TCP_PSH, 100)
                    .payload("GET /api/users HTTP/1.1\r\nHost: backend\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).build();
            byte[] ok = Packets.ethernet(B, A).ipv4("10.0.0.2", "10.0.0.1").tcp(8080, 40000, Packets.TCP_ACK | Packets.TCP_PSH, 900)
                    .payload(("HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n" + "x".repeat(300)).getBytes(StandardCharsets.US_ASCII)).build();
            byte[] ssh = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").tcp(40002, 22, Packets.TCP_ACK, 5)
                    .payload("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII)).build();
            byte[] syn = Packets.ethernet(A, B).ipv4("10.0.0.1", "10.0.0.2").tcp(40003, 80, Packets.TCP_SYN, 5).build();
            byte[] query = Packets.ethernet(A, B).ipv6("fd00::1", "fd00::53").udp(5000, 53)
                    .payload(DnsMessages.query(9, "backend.default.svc.cluster.local", 28)).build();
            List<Flow> flows = run(obj, "observe_l7_ingress", "observe_l7_events", get, ssh, syn, ok, query);
            assertEquals(2, flows.size(), flows.toString());
            HttpInfo h = flows.get(0).http().orElseThrow();
            assertEquals("GET", h.method());
            assertEquals("/api/users", h.path());
            assertEquals(200, h.status());
            DnsInfo d = flows.get(1).dns().orElseThrow();
            assertEquals("backend.default.svc.cluster.local", d.name());
            assertEquals("AAAA", d.qtypeName());
            assertEquals("[fd00::53]:53", flows.get(1).destination().display());
        }
    }
}
