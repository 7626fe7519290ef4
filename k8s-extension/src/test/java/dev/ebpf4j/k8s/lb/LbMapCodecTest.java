package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.maps.codec.Codec;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** Byte-exact layouts of the structs in lb_common.h, as the maps codecs encode the records. */
class LbMapCodecTest {
    private static <T> String hex(Codec<T> codec, T value) {
        try (Arena a = Arena.ofConfined()) {
            var seg = a.allocate(codec.size(), 8);
            codec.encode(value, seg, 0);
            return HexFormat.of().formatHex(seg.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void serviceKeyIsAddressPortInNetworkOrderProtocolFamily() {
        var f = new Frontend(InetAddress.ofLiteral("10.96.0.10"), 80, Protocol.TCP, FrontendKind.CLUSTER_IP);
        assertEquals("0a60000a" + "00".repeat(12) + "0050" + "06" + "02", hex(LbMapCodec.SVC_KEY, LbMapCodec.serviceKey(f)));
        var f6 = new Frontend(InetAddress.ofLiteral("fd00::1"), 53, Protocol.UDP, FrontendKind.CLUSTER_IP);
        assertEquals("fd00" + "00".repeat(13) + "01" + "0035" + "11" + "0a", hex(LbMapCodec.SVC_KEY, LbMapCodec.serviceKey(f6)));
    }

    @Test
    void serviceValueIsSixHostOrderWords() {
        var e = new ServiceEntry(7, 3, 2, 211, 30, ServiceEntry.FLAG_MAGLEV | ServiceEntry.FLAG_AFFINITY,
                new ServiceName("a", "b"), "http");
        assertEquals("07000000" + "03000000" + "02000000" + "d3000000" + "1e000000" + "06000000",
                hex(LbMapCodec.SVC, LbMapCodec.serviceValue(e)));
    }

    @Test
    void slotKeyAndBackend() {
        assertEquals("01000000" + "02000000" + "03000000", hex(LbMapCodec.SLOT_KEY, LbMapCodec.slotKey(1, 2, 3)));
        var b = new Backend(9, InetAddress.ofLiteral("10.1.0.5"), 8080, Protocol.TCP, BackendState.TERMINATING);
        assertEquals("0a010005" + "00".repeat(12) + "1f90" + "06" + "02" + "01" + "000000", hex(LbMapCodec.BACKEND, LbMapCodec.backendValue(b)));
    }
}
