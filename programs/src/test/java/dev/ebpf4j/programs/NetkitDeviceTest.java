package dev.ebpf4j.programs;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

import dev.ebpf4j.programs.internal.Rtnetlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What NetkitDevice refuses before asking the kernel, and the netlink attribute layout it sends. */
class NetkitDeviceTest {
    @Test
    void badInterfaceNamesAreRefusedWithTheRule() {
        var e = assertThrows(IllegalArgumentException.class, () -> NetkitDevice.create("a-name-longer-than-15", "p", NetkitDevice.Mode.L3));
        assertTrue(e.getMessage().contains("1 to 15 characters"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetkitDevice.create("nk0", "", NetkitDevice.Mode.L2));
        assertThrows(IllegalArgumentException.class, () -> NetkitDevice.create("nk/0", "nk1", NetkitDevice.Mode.L2,
                NetkitDevice.Policy.FORWARD, NetkitDevice.Policy.DROP, Optional.empty()));
    }

    @Test
    void attributesArePaddedToFourBytesAndNestWithTheirLength() {
        byte[] b = Rtnetlink.Attributes.empty().string(3, "nk0").nested(18, Rtnetlink.Attributes.empty().u32(5, 1)).toByteArray();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        assertEquals(8, buf.getShort(0), "header 4 + \"nk0\\0\" 4");
        assertEquals(3, buf.getShort(2));
        assertEquals(12, buf.getShort(8), "nest header 4 + u32 attribute 8");
        assertEquals(18, buf.getShort(10));
        assertEquals(8, buf.getShort(12));
        assertEquals(1, buf.getInt(16));
        assertEquals(20, b.length);
        assertEquals(16 + 12, Rtnetlink.Attributes.ifinfo(7).string(3, "abcd").toByteArray().length, "ifinfomsg 16 + header 4 and \"abcd\\0\" 5, padded to 12");
    }
}
