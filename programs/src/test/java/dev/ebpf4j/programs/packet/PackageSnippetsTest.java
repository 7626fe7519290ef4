package dev.ebpf4j.programs.packet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The package javadoc's example builds the frame it says and parses it back. */
class PackageSnippetsTest {
    @Test
    void exampleFrameParsesBack() {
        ParsedPacket p = PackageSnippets.example();
        assertEquals("02:00:00:00:00:02", p.destinationMac());
        assertEquals("10.0.0.2", p.ip().orElseThrow().destination().getHostAddress());
        assertEquals(53, p.l4().orElseThrow().destinationPort());
    }
}
