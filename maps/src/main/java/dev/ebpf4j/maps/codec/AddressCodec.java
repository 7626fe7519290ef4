package dev.ebpf4j.maps.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/** IPv4 and IPv6 addresses in network byte order (the order the kernel keeps them in packet headers). */
final class AddressCodec<A extends InetAddress> implements Codec<A> {
    static final AddressCodec<Inet4Address> V4 = new AddressCodec<>(Inet4Address.class, 4);
    static final AddressCodec<Inet6Address> V6 = new AddressCodec<>(Inet6Address.class, 16);

    private final Class<A> type;
    private final int size;

    private AddressCodec(Class<A> type, int size) {
        this.type = type;
        this.size = size;
    }

    @Override public int size() { return size; }
    @Override public int alignment() { return 4; }
    @Override public List<CodecField> fields() { return List.of(new CodecField("", 0, size)); }
    @Override public String describe() { return size == 4 ? "IPv4 address" : "IPv6 address"; }

    @Override
    public void encode(A value, MemorySegment dst, long offset) {
        byte[] b = Objects.requireNonNull(value, () -> describe() + " is null").getAddress();
        MemorySegment.copy(b, 0, dst, ValueLayout.JAVA_BYTE, offset, size);
    }

    @Override
    public A decode(MemorySegment src, long offset) {
        byte[] b = new byte[size];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, offset, b, 0, size);
        try {
            InetAddress a = InetAddress.getByAddress(b);
            // An IPv4-mapped IPv6 address comes back as Inet4Address; rebuild it as IPv6 to keep the type.
            if (!type.isInstance(a)) a = Inet6Address.getByAddress(null, b, null);
            return type.cast(a);
        } catch (UnknownHostException e) {
            throw new AssertionError("fixed-length address rejected", e);
        }
    }
}
