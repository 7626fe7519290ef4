package dev.ebpf4j.programs.packet;

/** The package javadoc's example, compiled with the tests (and run by PackageSnippetsTest) so it cannot drift. */
final class PackageSnippets {
    private PackageSnippets() {}

    static ParsedPacket example() {
        // @start region="example"
        byte[] frame = Packets.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02").ipv4("10.0.0.1", "10.0.0.2")
                .udp(1234, 53).build();
        ParsedPacket p = ParsedPacket.parse(frame);
        // @end
        return p;
    }
}
