/**
 * Codecs between Java values and the C layout of map keys and values, records generated with ByteBuddy.
 *
 * {@snippet class="dev.ebpf4j.maps.codec.PackageSnippets" region="example"}
 *
 * <p>Requirements: none (pure Java); record codecs define a class next to the record, so the record's package must
 * be open to {@code dev.ebpf4j.maps} when it lives in a named module.
 */
package dev.ebpf4j.maps.codec;
