package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.Length;
import dev.ebpf4j.maps.codec.Unsigned;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The node's own addresses in the datapath ({@code lb_node_addrs}): a socket connect or send to one of them on a
 * NodePort is load-balanced as the NodePort, from the node and from its pods, as a client outside would be (Cilium
 * does the same). Loopback needs no entry: the programs take it in the node's own namespace only. Once they are set,
 * the tcx and XDP NodePort programs serve node ports only on these addresses too (the map then holds a "configured"
 * entry, family 0), so traffic the node forwards to a pod on a port in the NodePort range stays the pod's; before,
 * a node port matches any destination.
 */
public final class NodeAddresses {
    static final String MAP = "lb_node_addrs";
    /** The map's 256 entries less the "configured" one. */
    private static final int MAX = 255;
    /** The all-zero key of family 0 (LB_NODE_ADDRS_SET in lb_common.h): the addresses are set. */
    private static final Key CONFIGURED = new Key(new byte[16], 0, new byte[3]);

    /** struct lb_node_addr_key (20 bytes). */
    record Key(@Length(16) byte[] addr, @Unsigned(bits = 8) int family, @Length(3) byte[] pad) {}

    private static final Codec<Key> KEY = Codec.of(Key.class);

    private NodeAddresses() {}

    /**
     * Makes {@code addresses} the node's addresses in {@code object}'s map: new ones are added before old ones go,
     * so an address kept across the change is never missing. Loopback and wildcard addresses are left out.
     *
     * @throws IllegalArgumentException with more than 255 addresses
     */
    public static void replace(BpfObject object, Collection<InetAddress> addresses) {
        java.util.Map<String, Key> want = new java.util.LinkedHashMap<>(); // byte[] components: compared by content, as text
        for (InetAddress a : addresses) {
            if (a.isLoopbackAddress() || a.isAnyLocalAddress()) continue;
            Key k = key(a);
            want.put(id(k), k);
        }
        if (want.size() > MAX) throw new IllegalArgumentException(want.size() + " node addresses: the datapath holds " + MAX);
        want.put(id(CONFIGURED), CONFIGURED); // last: the addresses are in before node ports are limited to them
        try (BpfHashMap<Key, Byte> map = BpfHashMap.of(object.map(MAP), KEY, Codec.of(Byte.class))) {
            for (Key k : want.values()) map.put(k, (byte) 1);
            List<Key> stale = new ArrayList<>();
            for (Key k : map.keys()) if (!want.containsKey(id(k))) stale.add(k);
            map.removeAll(stale);
        }
    }

    private static String id(Key k) {
        return java.util.HexFormat.of().formatHex(k.addr()) + "/" + k.family();
    }

    /** The addresses of every interface in the calling process's network namespace. */
    public static List<InetAddress> ofThisNamespace() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) i.inetAddresses().forEach(out::add);
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot list the node's addresses", e);
        }
        return out;
    }

    private static Key key(InetAddress a) {
        byte[] raw = a.getAddress(), addr = new byte[16];
        System.arraycopy(raw, 0, addr, 0, raw.length);
        return new Key(addr, a instanceof Inet4Address ? LbMapCodec.AF_INET : LbMapCodec.AF_INET6, new byte[3]);
    }
}
