/**
 * Codecs between Java values and the C layout of map keys and values, records generated with ByteBuddy.
 *
 * {@snippet :
 * record Backend(Inet4Address address, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 16) int weight) {}
 * Codec<Backend> codec = Codec.of(Backend.class);   // 8 bytes, like struct { __be32; __be16; __u16; }
 * Codec<Long> counter = Codec.u64();
 * Codec<byte[]> mac = Codec.bytes(6);
 * }
 *
 * <p>Requirements: none (pure Java); record codecs define a class next to the record, so the record's package must
 * be open to {@code dev.ebpf4j.maps} when it lives in a named module.
 */
package dev.ebpf4j.maps.codec;
