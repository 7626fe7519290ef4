package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.ServiceName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** Byte-exact layouts of the structs in lb_common.h. */
class LbMapCodecTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void serviceKeyIsAddressPortInNetworkOrderProtocolFamily() {
        var f = new Frontend(InetAddress.ofLiteral("10.96.0.10"), 80, Protocol.TCP, FrontendKind.CLUSTER_IP);
        assertEquals("0a60000a" + "00".repeat(12) + "0050" + "06" + "02", hex(LbMapCodec.serviceKey(f)));
        var f6 = new Frontend(InetAddress.ofLiteral("fd00::1"), 53, Protocol.UDP, FrontendKind.CLUSTER_IP);
        assertEquals("fd00" + "00".repeat(13) + "01" + "0035" + "11" + "0a", hex(LbMapCodec.serviceKey(f6)));
    }

    @Test
    void serviceValueIsSixHostOrderWords() {
        var e = new ServiceEntry(7, 3, 2, 211, 30, ServiceEntry.FLAG_MAGLEV | ServiceEntry.FLAG_AFFINITY,
                new ServiceName("a", "b"), "http");
        assertEquals("07000000" + "03000000" + "02000000" + "d3000000" + "1e000000" + "06000000", hex(LbMapCodec.serviceValue(e)));
    }

    @Test
    void slotKeyAndBackend() {
        assertEquals("01000000" + "02000000" + "03000000", hex(LbMapCodec.slotKey(1, 2, 3)));
        var b = new Backend(9, InetAddress.ofLiteral("10.1.0.5"), 8080, Protocol.TCP, BackendState.TERMINATING);
        assertEquals("0a010005" + "00".repeat(12) + "1f90" + "06" + "02" + "01" + "000000", hex(LbMapCodec.backendValue(b)));
        assertEquals(LbMapCodec.BACKEND_VALUE_SIZE, LbMapCodec.backendValue(b).length);
    }
}
