/**
 * Test frames: {@link dev.ebpf4j.programs.packet.Packets} builds Ethernet/VLAN/IPv4/IPv6/TCP/UDP/ICMP/ICMPv6 frames
 * with correct lengths and checksums, and {@link dev.ebpf4j.programs.packet.ParsedPacket} parses a program's output
 * frame back into fields.
 *
 * {@snippet class="dev.ebpf4j.programs.packet.PackageSnippets" region="example"}
 *
 * <p>Requirements: none (pure Java).
 *
 * <p>Known JVM issue: on Temurin 25.0.3 the C2 compiler has aborted the JVM (Internal Error at node.hpp:1232 in
 * {@code MergePrimitiveStores}) while compiling a hot loop that builds packets with this builder. Where that happens,
 * run with {@code -XX:+UnlockDiagnosticVMOptions -XX:-MergeStores}; ebpf4j's own test JVMs do.
 */
package dev.ebpf4j.programs.packet;
