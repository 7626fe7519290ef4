package dev.ebpf4j.maps;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.CodecField;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/** The LPM trie key: {@code __u32 prefixlen} in host order, then the address bytes in network order. */
final class PrefixCodec implements Codec<Prefix> {
    static final PrefixCodec V4 = new PrefixCodec(4), V6 = new PrefixCodec(16);
    private final int addressBytes;

    private PrefixCodec(int addressBytes) {
        this.addressBytes = addressBytes;
    }

    @Override public int size() { return 4 + addressBytes; }
    @Override public int alignment() { return 4; }
    @Override public String describe() { return addressBytes == 4 ? "IPv4 LPM key" : "IPv6 LPM key"; }

    /** Unnamed leaves: C names an LPM key's members freely ({@code prefixlen}/{@code addr}...), so only offsets and sizes are checked. */
    @Override
    public List<CodecField> fields() {
        return List.of(new CodecField("", 0, 4), new CodecField("", 4, addressBytes));
    }

    @Override
    public void encode(Prefix value, MemorySegment dst, long offset) {
        Objects.requireNonNull(value, "prefix is null");
        byte[] a = value.address().getAddress();
        if (a.length != addressBytes) {
            throw new IllegalArgumentException("prefix " + value + " is not an " + (addressBytes == 4 ? "IPv4" : "IPv6") + " prefix");
        }
        dst.set(ValueLayout.JAVA_INT_UNALIGNED, offset, value.length());
        MemorySegment.copy(a, 0, dst, ValueLayout.JAVA_BYTE, offset + 4, addressBytes);
    }

    @Override
    public Prefix decode(MemorySegment src, long offset) {
        byte[] a = new byte[addressBytes];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset + 4, a, 0, addressBytes);
        try {
            InetAddress addr = addressBytes == 16 ? Inet6Address.getByAddress(null, a, null) : InetAddress.getByAddress(a);
            return new Prefix(addr, src.get(ValueLayout.JAVA_INT_UNALIGNED, offset));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
