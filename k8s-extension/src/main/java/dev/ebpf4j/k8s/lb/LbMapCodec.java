package dev.ebpf4j.k8s.lb;

import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.Length;
import dev.ebpf4j.maps.codec.NetworkOrder;
import dev.ebpf4j.maps.codec.Unsigned;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Java mirrors of the structs in {@code bpf-src/src/main/bpf/lb_common.h}, as records with maps-module codecs: the
 * maps API checks each record's field offsets against the object's BTF when a map view is made, so a layout drift
 * between C and Java fails at load, not in the datapath. Integers are host order, addresses and ports network order.
 */
final class LbMapCodec {
    static final String SERVICES = "lb_services";
    static final String SLOTS = "lb_slots";
    static final String MAGLEV = "lb_maglev";
    static final String BACKENDS = "lb_backends";
    static final String AFFINITY = "lb_affinity";

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    /** struct lb_svc_key (20 bytes). */
    record SvcKey(@Length(16) byte[] addr, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 8) int proto,
                  @Unsigned(bits = 8) int family) {
    }

    /** struct lb_svc (24 bytes). */
    record Svc(int id, int rev, int count, int maglevSize, int affinityTimeout, int flags) {
    }

    /** struct lb_slot_key (12 bytes), also the lb_maglev key. */
    record SlotKey(int svcId, int rev, int index) {
    }

    /** struct lb_backend (24 bytes). */
    record BackendValue(@Length(16) byte[] addr, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 8) int proto,
                        @Unsigned(bits = 8) int family, @Unsigned(bits = 8) int state, @Length(3) byte[] pad) {
    }

    /** struct lb_src_range_key (40 bytes): an LPM key over the frontend's fields and then the client address. */
    record SrcRangeKey(int prefixlen, @Length(16) byte[] addr, @NetworkOrder @Unsigned(bits = 16) int port,
                       @Unsigned(bits = 8) int proto, @Unsigned(bits = 8) int family, @Length(16) byte[] client) {
    }

    static final String SRC_RANGES = "lb_src_ranges";
    static final int SRC_FRONTEND_BITS = 160;
    static final byte SRC_RESTRICTED = 1, SRC_ALLOWED = 2;

    /** The lb_src_ranges key of a frontend's marker (no range) or of one of its ranges. */
    static SrcRangeKey sourceRangeKey(Frontend f, java.util.Optional<dev.ebpf4j.k8s.model.Cidr> range) {
        SvcKey k = serviceKey(f);
        byte[] client = range.map(c -> address(c.network())).orElse(new byte[16]);
        int bits = range.map(dev.ebpf4j.k8s.model.Cidr::prefixLength).orElse(0);
        return new SrcRangeKey(SRC_FRONTEND_BITS + bits, k.addr(), k.port(), k.proto(), k.family(), client);
    }

    static final Codec<SrcRangeKey> SRC_RANGE_KEY = Codec.of(SrcRangeKey.class);
    static final Codec<SvcKey> SVC_KEY = Codec.of(SvcKey.class);
    static final Codec<Svc> SVC = Codec.of(Svc.class);
    static final Codec<SlotKey> SLOT_KEY = Codec.of(SlotKey.class);
    static final Codec<BackendValue> BACKEND = Codec.of(BackendValue.class);
    static final Codec<Integer> ID = Codec.s32();

    private LbMapCodec() {
    }

    /** struct lb_addr: 16 bytes, IPv4 in the first 4. */
    private static byte[] address(InetAddress a) {
        byte[] raw = a.getAddress();
        if (raw.length == 16) return raw;
        byte[] out = new byte[16];
        System.arraycopy(raw, 0, out, 0, 4);
        return out;
    }

    private static int family(InetAddress a) {
        return a instanceof Inet4Address ? AF_INET : AF_INET6;
    }

    static SvcKey serviceKey(Frontend f) {
        return new SvcKey(address(f.address()), f.port(), f.protocol().ipProtocol(), family(f.address()));
    }

    static Svc serviceValue(ServiceEntry e) {
        return new Svc(e.id(), e.revision(), e.count(), e.maglevSize(), e.affinityTimeoutSeconds(), e.flags());
    }

    static SlotKey slotKey(int serviceId, int revision, int index) {
        return new SlotKey(serviceId, revision, index);
    }

    private static InetAddress address(byte[] addr, int family) {
        try {
            return InetAddress.getByAddress(family == AF_INET ? java.util.Arrays.copyOf(addr, 4) : addr);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("bad address in map entry", e);
        }
    }

    private static dev.ebpf4j.k8s.model.Protocol protocol(int ipProtocol) {
        for (var p : dev.ebpf4j.k8s.model.Protocol.values()) if (p.ipProtocol() == ipProtocol) return p;
        throw new IllegalArgumentException("unknown IP protocol in map entry: " + ipProtocol);
    }

    /** The frontend of a service-map key; the kind is a guess (equality ignores it). */
    static Frontend frontend(SvcKey k) {
        InetAddress a = address(k.addr(), k.family());
        return new Frontend(a, k.port(), protocol(k.proto()), a.isAnyLocalAddress() ? FrontendKind.NODE_PORT : FrontendKind.CLUSTER_IP);
    }

    static Backend backend(int id, BackendValue v) {
        return new Backend(id, address(v.addr(), v.family()), v.port(), protocol(v.proto()),
                v.state() == 0 ? BackendState.ACTIVE : BackendState.TERMINATING);
    }

    static BackendValue backendValue(Backend b) {
        return new BackendValue(address(b.address()), b.port(), b.protocol().ipProtocol(), family(b.address()),
                b.state() == BackendState.ACTIVE ? 0 : 1, new byte[3]);
    }
}
