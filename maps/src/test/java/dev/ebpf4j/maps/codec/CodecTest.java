package dev.ebpf4j.maps.codec;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CodecTest {
    record Backend(Inet4Address address, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 16) int weight, long hits) {}

    record Padded(byte tag, long value, short small) {}

    record Outer(int id, Padded inner, @Length(3) byte[] mac) {}

    enum Verdict { PASS, DROP }

    record WithEnum(Verdict verdict, Inet6Address address) {}

    record BadUnsigned(@Unsigned(bits = 32) int x) {}

    static <T> byte[] bytes(Codec<T> c, T v) {
        MemorySegment s = MemorySegment.ofArray(new byte[c.size()]);
        s.fill((byte) 0x5A); // garbage, so missing padding zeroing would show
        c.encode(v, s, 0);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void recordLaysOutLikeACStructWithNetworkOrderPort() throws Exception {
        Codec<Backend> c = Codec.of(Backend.class);
        assertEquals(16, c.size());
        assertEquals(8, c.alignment());
        Backend b = new Backend((Inet4Address) InetAddress.getByName("10.0.0.1"), 8080, 3, 42);
        byte[] raw = bytes(c, b);
        assertEquals("0a000001" + "1f90" + "0300" + "2a00000000000000", HexFormat.of().formatHex(raw));
        assertEquals(b, c.decode(MemorySegment.ofArray(raw), 0));
        assertSame(c, Codec.of(Backend.class), "record codecs are cached");
        assertEquals(List.of(new CodecField("address", 0, 4), new CodecField("port", 4, 2),
                new CodecField("weight", 6, 2), new CodecField("hits", 8, 8)), c.fields());
    }

    @Test
    void paddingIsZeroedAndNestedRecordsAlign() {
        Codec<Padded> p = Codec.of(Padded.class);
        assertEquals(24, p.size());
        byte[] raw = bytes(p, new Padded((byte) 1, 2, (short) 3));
        assertEquals("01000000000000000200000000000000" + "0300000000000000", HexFormat.of().formatHex(raw));
        Codec<Outer> o = Codec.of(Outer.class);
        assertEquals(40, o.size()); // id@0, inner@8 (24 B), mac@32 (3 B), padded to 40
        Outer v = new Outer(7, new Padded((byte) -1, -2, (short) -3), new byte[] {1, 2, 3});
        Outer back = o.decode(MemorySegment.ofArray(bytes(o, v)), 0);
        assertEquals(v.id(), back.id());
        assertEquals(v.inner(), back.inner());
        assertArrayEquals(v.mac(), back.mac());
        assertEquals("inner.value", o.fields().get(2).name());
        assertEquals(16, o.fields().get(2).offset());
    }

    @Test
    void enumsAndIpv6RoundTrip() throws Exception {
        Codec<WithEnum> c = Codec.of(WithEnum.class);
        WithEnum v = new WithEnum(Verdict.DROP, (Inet6Address) InetAddress.getByName("fd00::1"));
        assertEquals(v, c.decode(MemorySegment.ofArray(bytes(c, v)), 0));
        assertEquals(20, c.size());
    }

    @Test
    void primitivesCheckRangesAndByteOrder() {
        assertThrows(IllegalArgumentException.class, () -> bytes(Codec.u8(), 256));
        assertThrows(IllegalArgumentException.class, () -> bytes(Codec.u16(), -1));
        assertThrows(IllegalArgumentException.class, () -> bytes(Codec.u32(), 1L << 32));
        assertEquals("3412", HexFormat.of().formatHex(bytes(Codec.u16(), 0x1234)));
        assertEquals("1234", HexFormat.of().formatHex(bytes(Codec.port(), 0x1234)));
        assertEquals(0xFFFF_FFFFL, Codec.u32().decode(MemorySegment.ofArray(new byte[] {-1, -1, -1, -1}), 0));
        assertEquals(-1, Codec.s32().decode(MemorySegment.ofArray(new byte[] {-1, -1, -1, -1}), 0));
        assertEquals(255, Codec.u8().decode(MemorySegment.ofArray(new byte[] {-1}), 0));
        assertEquals((byte) -1, Codec.s8().decode(MemorySegment.ofArray(new byte[] {-1}), 0));
    }

    @Test
    void badInputIsRejectedWithAUsefulMessage() {
        assertThrows(NullPointerException.class, () -> bytes(Codec.of(Backend.class), null));
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class, () -> bytes(Codec.bytes(4), new byte[5]));
        assertTrue(len.getMessage().contains("exactly 4"), len.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> Codec.of(BadUnsigned.class));
        assertTrue(u.getMessage().contains("BadUnsigned.x"), u.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Codec.of(String.class));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Codec.of(Backend.class).encode(new Backend(null, 1, 1, 1), MemorySegment.ofArray(new byte[8]), 0));
        assertThrows(IllegalArgumentException.class, () -> Codec.array(Codec.s32(), 2).encode(List.of(1), MemorySegment.ofArray(new byte[8]), 0));
        assertThrows(IllegalArgumentException.class, () -> Codec.enumOf(Verdict.class, 1).decode(MemorySegment.ofArray(new byte[] {9}), 0));
    }
}
