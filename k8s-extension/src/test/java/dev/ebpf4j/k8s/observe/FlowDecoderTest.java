package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowDecoderTest {
    static final KernelClock CLOCK = KernelClock.withOffset(1_700_000_000_000_000_000L);
    static final EndpointIdentity FRONTEND = new EndpointIdentity("frontend-pod", "shop", Map.of("app", "frontend"));

    final FlowDecoder decoder = new FlowDecoder(address -> address.getHostAddress().equals("10.0.0.1")
            ? java.util.Optional.of(FRONTEND) : java.util.Optional.empty(), CLOCK);
    final FlowEventView view = new FlowEventView();

    @Test
    void decodesEstablishedSocketEventWithLatencyAndPod() {
        MemorySegment rec = EventRecords.of(FlowEventView.KIND_SOCK, 2).ts(5_000_000_000L).verdict(1).proto(6)
                .from("10.0.0.1", 40000).to("10.0.0.2", 8080).latency(1_234_567).states(2, 1, 0).segment();
        Flow f = decoder.decode(view.wrap(rec));
        assertEquals(FlowType.SOCK, f.type());
        assertEquals(TcpEvent.ESTABLISHED, f.tcpEvent());
        assertEquals(Duration.ofNanos(1_234_567), f.latency());
        assertEquals("frontend-pod", f.source().podName());
        assertEquals(Map.of("app", "frontend"), f.source().labels());
        assertEquals(40000, f.source().port());
        assertEquals("10.0.0.2:8080", f.destination().display());
        assertEquals(Instant.ofEpochSecond(1_700_000_005L), f.time());
        assertEquals("TCP", f.protocolName());
        assertNull(f.translation());
    }

    @Test
    void decodesDropWithReasonAndIpv6() throws Exception {
        MemorySegment rec = EventRecords.of(FlowEventView.KIND_DROP, 0).verdict(2).drop(1).proto(17).direction(1)
                .ifindex(7).from("fd00::1", 5353).to("fd00::2", 53).segment();
        Flow f = decoder.decode(view.wrap(rec));
        assertEquals(FlowType.DROP, f.type());
        assertEquals(Verdict.DROPPED, f.verdict());
        assertEquals(DropReason.POLICY_DENIED, f.dropReason());
        assertEquals(TrafficDirection.INGRESS, f.direction());
        assertEquals(7, f.ifindex());
        assertEquals(InetAddress.getByName("fd00::2"), f.destination().address());
        assertEquals("[fd00::1]:5353", f.source().display());
    }

    @Test
    void decodesServiceTranslationAndFlags() throws Exception {
        MemorySegment rec = EventRecords.of(FlowEventView.KIND_TRACE, 0).verdict(3).proto(6).flags(0x12)
                .from("10.0.0.1", 1234).to("10.0.1.5", 8080).translatedFrom("10.96.0.10", 80).segment();
        Flow f = decoder.decode(view.wrap(rec));
        assertEquals(Verdict.TRANSLATED, f.verdict());
        assertEquals(DropReason.NONE, f.dropReason());
        assertEquals(new ServiceTranslation(InetAddress.getByName("10.96.0.10"), 80), f.translation());
        assertEquals("SYN, ACK", f.tcpFlagNames());
    }

    @Test
    void unknownCodesDecodeAsUnknownNotFailures() {
        MemorySegment rec = EventRecords.of(FlowEventView.KIND_DROP, 0).drop(200).from("10.0.0.9", 1).to("10.0.0.8", 2).segment();
        Flow f = decoder.decode(view.wrap(rec));
        assertEquals(DropReason.UNKNOWN, f.dropReason());
        assertEquals(TcpEvent.UNKNOWN, TcpEvent.of(99));
    }

    @Test
    void rejectsShortAndInconsistentRecords() {
        assertThrows(IllegalArgumentException.class, () -> view.wrap(MemorySegment.ofArray(new byte[50])));
        byte[] lying = EventRecords.of(FlowEventView.KIND_L7, 1).from("10.0.0.1", 1).to("10.0.0.2", 2).bytes();
        lying[FlowEventView.PAYLOAD_LEN] = 10; // claims payload, record has none
        var e = assertThrows(IllegalArgumentException.class, () -> view.wrap(MemorySegment.ofArray(lying)));
        assertTrue(e.getMessage().contains("claims 10 payload bytes"), e.getMessage());
    }

    @Test
    void viewIsReusableAcrossRecords() {
        MemorySegment a = EventRecords.of(FlowEventView.KIND_SOCK, 1).from("10.0.0.1", 1).to("10.0.0.2", 2).segment();
        MemorySegment b = EventRecords.of(FlowEventView.KIND_SOCK, 4).from("10.0.0.3", 3).to("10.0.0.4", 4).segment();
        assertEquals(TcpEvent.CONNECT, decoder.decode(view.wrap(a)).tcpEvent());
        assertEquals(TcpEvent.CLOSE, decoder.decode(view.wrap(b)).tcpEvent());
        assertEquals(3, view.sourcePort());
    }
}
