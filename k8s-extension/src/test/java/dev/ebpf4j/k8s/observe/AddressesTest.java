package dev.ebpf4j.k8s.observe;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AddressesTest {
    private static String text(String literal) {
        return Addresses.text(InetAddress.ofLiteral(literal).getAddress());
    }

    @Test
    void rfc5952() {
        assertEquals("10.0.0.2", text("10.0.0.2"));
        assertEquals("fd00::2", text("fd00:0:0:0:0:0:0:2"));
        assertEquals("::", text("::"));
        assertEquals("::1", text("::1"));
        assertEquals("fe80::", text("fe80::"));
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1")); // one zero group stays
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1")); // first of equal runs
        assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1")); // the longest run
    }
}
