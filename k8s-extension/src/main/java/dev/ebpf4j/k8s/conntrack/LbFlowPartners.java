package dev.ebpf4j.k8s.conntrack;

import java.nio.ByteBuffer;

/**
 * The entries that belong to an lb_ct forward entry and go with it: the reply entry of a flow to a local backend
 * (backend -> client, derived from the forward key and value) and the lb_snat entry of a SNATed flow (found by its
 * value: client, frontend and protocol are the forward key's).
 */
final class LbFlowPartners {
    static final int DIR_OFFSET = 13;
    private static final int FLAG_SNAT = 1, FLAG_DSR = 2;

    private LbFlowPartners() {
    }

    static boolean isForward(byte[] ctKey) {
        return ctKey[DIR_OFFSET] == 0;
    }

    /** The reply key of a forward entry to a local backend, or null when the flow has none (SNAT, DSR). */
    static byte[] replyKey(byte[] fwdKey, byte[] fwdValue) {
        int flags = Byte.toUnsignedInt(fwdValue[12]);
        if ((flags & (FLAG_SNAT | FLAG_DSR)) != 0) return null;
        byte[] k = new byte[16];
        System.arraycopy(fwdValue, 0, k, 0, 4);   // saddr: the backend
        System.arraycopy(fwdKey, 0, k, 4, 4);     // daddr: the client
        System.arraycopy(fwdValue, 4, k, 8, 2);   // sport: the backend port
        System.arraycopy(fwdKey, 8, k, 10, 2);    // dport: the client port
        k[12] = fwdKey[12];
        k[DIR_OFFSET] = 1;
        return k;
    }

    /** The forward key as an lb_snat value names it (client, frontend, ports, protocol), for matching. */
    static ByteBuffer flowOfForward(byte[] fwdKey) {
        return ByteBuffer.wrap(fwdKey, 0, 13).slice();
    }

    /** The same 13 bytes built from an lb_snat entry. */
    static ByteBuffer flowOfSnat(byte[] snatKey, byte[] snatValue) {
        byte[] f = new byte[13];
        System.arraycopy(snatValue, 0, f, 0, 4);   // client
        System.arraycopy(snatValue, 4, f, 4, 4);   // frontend
        System.arraycopy(snatValue, 8, f, 8, 2);   // client port
        System.arraycopy(snatValue, 10, f, 10, 2); // frontend port
        f[12] = snatKey[12];
        return ByteBuffer.wrap(f);
    }
}
