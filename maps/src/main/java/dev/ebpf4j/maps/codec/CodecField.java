package dev.ebpf4j.maps.codec;

/**
 * One leaf of a codec's layout: a dotted path such as {@code "key.port"}, its byte offset and size.
 *
 * @param name   the dotted path, empty for a codec that is a single scalar
 * @param offset byte offset from the start of the encoded value
 * @param size   bytes
 */
public record CodecField(String name, long offset, long size) {
    /** This field nested under {@code parent} at {@code base}. */
    CodecField under(String parent, long base) {
        return new CodecField(name.isEmpty() ? parent : parent + "." + name, offset + base, size);
    }
}
