package dev.ebpf4j.maps.codec;

import java.net.Inet4Address;

/** The package javadoc's example, compiled with the tests (and run by PackageSnippetsTest) so it cannot drift. */
final class PackageSnippets {
    private PackageSnippets() {}

    static int[] sizes() {
        // @start region="example"
        record Backend(Inet4Address address, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 16) int weight) {}
        Codec<Backend> codec = Codec.of(Backend.class);   // 8 bytes, like struct { __be32; __be16; __u16; }
        Codec<Long> counter = Codec.u64();
        Codec<byte[]> mac = Codec.bytes(6);
        // @end
        return new int[] {codec.size(), counter.size(), mac.size()};
    }
}
