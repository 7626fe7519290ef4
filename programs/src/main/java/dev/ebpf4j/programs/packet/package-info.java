/**
 * Test frames: {@link dev.ebpf4j.programs.packet.Packets} builds Ethernet/VLAN/IPv4/IPv6/TCP/UDP/ICMP/ICMPv6 frames
 * with correct lengths and checksums, and {@link dev.ebpf4j.programs.packet.ParsedPacket} parses a program's output
 * frame back into fields.
 *
 * {@snippet :
 * byte[] frame = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("10.0.0.1", "10.0.0.2")
 *         .udp(1234, 53).build();
 * ParsedPacket p = ParsedPacket.parse(frame);
 * }
 *
 * <p>Requirements: none (pure Java).
 */
package dev.ebpf4j.programs.packet;
