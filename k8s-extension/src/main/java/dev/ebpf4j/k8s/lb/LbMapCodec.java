package dev.ebpf4j.k8s.lb;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Byte layouts of the load-balancer maps, matching the structs of {@code bpf-src/src/main/bpf/lb_common.h}:
 * integers in host (little-endian) order, addresses and ports in network order.
 */
final class LbMapCodec {
    static final String SERVICES = "lb_services";
    static final String SLOTS = "lb_slots";
    static final String MAGLEV = "lb_maglev";
    static final String BACKENDS = "lb_backends";
    static final String AFFINITY = "lb_affinity";

    static final int SVC_KEY_SIZE = 20;
    static final int SVC_VALUE_SIZE = 24;
    static final int SLOT_KEY_SIZE = 12;
    static final int SLOT_VALUE_SIZE = 4;
    static final int BACKEND_KEY_SIZE = 4;
    static final int BACKEND_VALUE_SIZE = 24;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private LbMapCodec() {
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** struct lb_addr: 16 bytes, IPv4 in the first 4. */
    private static void putAddress(ByteBuffer b, InetAddress a) {
        byte[] raw = a.getAddress();
        b.put(raw);
        if (raw.length == 4) b.put(new byte[12]);
    }

    private static int family(InetAddress a) {
        return a instanceof Inet4Address ? AF_INET : AF_INET6;
    }

    /** Network-order 16-bit port written as the two bytes of a {@code __be16}. */
    private static void putPort(ByteBuffer b, int port) {
        b.put((byte) (port >>> 8)).put((byte) port);
    }

    /** struct lb_svc_key. */
    static byte[] serviceKey(Frontend f) {
        ByteBuffer b = buffer(SVC_KEY_SIZE);
        putAddress(b, f.address());
        putPort(b, f.port());
        b.put((byte) f.protocol().ipProtocol()).put((byte) family(f.address()));
        return b.array();
    }

    /** struct lb_svc. */
    static byte[] serviceValue(ServiceEntry e) {
        return buffer(SVC_VALUE_SIZE).putInt(e.id()).putInt(e.revision()).putInt(e.count()).putInt(e.maglevSize())
                .putInt(e.affinityTimeoutSeconds()).putInt(e.flags()).array();
    }

    /** struct lb_slot_key (also the lb_maglev key). */
    static byte[] slotKey(int serviceId, int revision, int index) {
        return buffer(SLOT_KEY_SIZE).putInt(serviceId).putInt(revision).putInt(index).array();
    }

    /** A __u32 backend id: the lb_slots/lb_maglev value and the lb_backends key. */
    static byte[] u32(int v) {
        return buffer(4).putInt(v).array();
    }

    /** struct lb_backend. */
    static byte[] backendValue(Backend be) {
        ByteBuffer b = buffer(BACKEND_VALUE_SIZE);
        putAddress(b, be.address());
        putPort(b, be.port());
        b.put((byte) be.protocol().ipProtocol()).put((byte) family(be.address()))
                .put((byte) (be.state() == BackendState.ACTIVE ? 0 : 1));
        return b.array();
    }
}
