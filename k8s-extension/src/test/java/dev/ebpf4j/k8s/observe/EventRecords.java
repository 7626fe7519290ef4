package dev.ebpf4j.k8s.observe;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds {@code struct observe_event} records the way the datapath writes them (test side of the layout). */
final class EventRecords {
    private final ByteBuffer b = ByteBuffer.allocate(FlowEventView.HEADER_SIZE + FlowEventView.PAYLOAD_MAX)
            .order(ByteOrder.nativeOrder());
    private int payloadLength;

    static EventRecords of(int kind, int subtype) {
        EventRecords r = new EventRecords();
        r.b.put(FlowEventView.KIND, (byte) kind).put(FlowEventView.SUBTYPE, (byte) subtype);
        return r;
    }

    EventRecords ts(long nanos) { b.putLong(FlowEventView.TS, nanos); return this; }
    EventRecords verdict(int v) { b.put(FlowEventView.VERDICT, (byte) v); return this; }
    EventRecords drop(int r) { b.put(FlowEventView.DROP, (byte) r); return this; }
    EventRecords proto(int p) { b.put(FlowEventView.PROTO, (byte) p); return this; }
    EventRecords flags(int f) { b.put(FlowEventView.FLAGS, (byte) f); return this; }
    EventRecords direction(int d) { b.put(FlowEventView.DIR, (byte) d); return this; }
    EventRecords ifindex(int i) { b.putInt(FlowEventView.IFINDEX, i); return this; }
    EventRecords latency(long ns) { b.putLong(FlowEventView.LATENCY, ns); return this; }
    EventRecords seq(long s) { b.putInt(FlowEventView.SEQ, (int) s); return this; }
    EventRecords sockId(long id) { b.putLong(FlowEventView.SOCK_ID, id); return this; }
    EventRecords states(int old, int now, int err) {
        b.put(FlowEventView.OLD_STATE, (byte) old).put(FlowEventView.NEW_STATE, (byte) now).putShort(FlowEventView.SK_ERR, (short) err);
        return this;
    }

    EventRecords from(String ip, int port) { return addr(FlowEventView.SADDR, ip).port(FlowEventView.SPORT, port); }
    EventRecords to(String ip, int port) { return addr(FlowEventView.DADDR, ip).port(FlowEventView.DPORT, port); }
    EventRecords translatedFrom(String vip, int port) { return addr(FlowEventView.ORIG_DADDR, vip).port(FlowEventView.ORIG_DPORT, port); }

    EventRecords payload(byte[] p) {
        payloadLength = Math.min(p.length, FlowEventView.PAYLOAD_MAX);
        b.put(FlowEventView.HEADER_SIZE, p, 0, payloadLength);
        b.putShort(FlowEventView.PAYLOAD_LEN, (short) payloadLength);
        return this;
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(bytes());
    }

    byte[] bytes() {
        byte[] out = new byte[FlowEventView.HEADER_SIZE + (payloadLength > 0 ? FlowEventView.PAYLOAD_MAX : 0)];
        b.get(0, out);
        return out;
    }

    private EventRecords addr(int off, String ip) {
        try {
            byte[] a = InetAddress.getByName(ip).getAddress();
            b.put(FlowEventView.FAMILY, (byte) (a.length == 16 ? 10 : 2));
            b.put(off, a);
            return this;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private EventRecords port(int off, int port) {
        b.putShort(off, (short) port);
        return this;
    }
}
