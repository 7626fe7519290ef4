package dev.ebpf4j.k8s.lb;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;

/** Orders addresses IPv4 before IPv6, then by their bytes: cheap, unlike comparing formatted strings. */
final class AddressOrder {
    static final Comparator<InetAddress> ADDRESSES = AddressOrder::compare;

    private AddressOrder() {
    }

    static int compare(InetAddress a, InetAddress b) {
        // an Inet4Address's hash code is its address: no copy of the bytes for the common case
        if (a instanceof Inet4Address && b instanceof Inet4Address) return Integer.compareUnsigned(a.hashCode(), b.hashCode());
        byte[] x = a.getAddress(), y = b.getAddress();
        if (x.length != y.length) return Integer.compare(x.length, y.length);
        return Arrays.compareUnsigned(x, y);
    }
}
