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

    static BackendValue backendValue(Backend b) {
        return new BackendValue(address(b.address()), b.port(), b.protocol().ipProtocol(), family(b.address()),
                b.state() == BackendState.ACTIVE ? 0 : 1, new byte[3]);
    }
}
