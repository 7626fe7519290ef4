package dev.ebpf4j.k8s.observe;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A reusable, allocation-free view of one {@code struct observe_event} (optionally followed by payload) as the
 * datapath writes it to a ring buffer; see {@code bpf-src/src/main/bpf/observe_event.h} for the layout.
 *
 * <p>{@link #wrap} copies the record's header and payload (at most {@value #HEADER_SIZE} + {@value #PAYLOAD_MAX}
 * bytes) into the view's own buffer, and the accessors read from that copy: the view stays valid after the ring
 * buffer record is released, until the next {@code wrap}. Fed by a {@link dev.ebpf4j.maps.ringbuf.RecordSliceHandler}
 * ({@link #wrap(MemorySegment, long, int)}), reading a ring through a view allocates nothing per event. Not
 * thread-safe: one view per reader thread.
 */
public final class FlowEventView {
    /** Size of the fixed header ({@code sizeof(struct observe_event)}). */
    public static final int HEADER_SIZE = 104;
    /** Maximum payload the datapath copies ({@code OBS_PAYLOAD_MAX}). */
    public static final int PAYLOAD_MAX = 256;

    static final int TS = 0, KIND = 8, VERDICT = 9, DROP = 10, FAMILY = 11, PROTO = 12, FLAGS = 13, DIR = 14,
            SUBTYPE = 15, IFINDEX = 16, PID = 20, SADDR = 24, DADDR = 40, SPORT = 56, DPORT = 58, ORIG_DPORT = 60,
            PAYLOAD_LEN = 62, ORIG_DADDR = 64, SOCK_ID = 80, LATENCY = 88, SEQ = 96, OLD_STATE = 100,
            NEW_STATE = 101, SK_ERR = 102;

    /** {@code enum obs_kind} values. */
    public static final int KIND_TRACE = 1, KIND_DROP = 2, KIND_SOCK = 3, KIND_L7 = 4;
    /** {@code enum obs_l7_event} values. */
    public static final int L7_TCP_PAYLOAD = 1, L7_DNS = 2;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    private final long[] words = new long[(HEADER_SIZE + PAYLOAD_MAX) / 8];
    private final MemorySegment segment = MemorySegment.ofArray(words);
    private long size;

    /**
     * Makes this view show {@code record} (copies its header and payload).
     *
     * @param record a ring buffer record: a header, then {@code payload_len} bytes of payload
     * @return this view
     * @throws IllegalArgumentException if the record is shorter than the header or its payload length exceeds it
     */
    public FlowEventView wrap(MemorySegment record) {
        return wrap(record, 0, (int) Math.min(record.byteSize(), Integer.MAX_VALUE));
    }

    /**
     * Makes this view show the record of {@code length} bytes at {@code offset} of {@code data} (copies its header
     * and payload), as a {@link dev.ebpf4j.maps.ringbuf.RecordSliceHandler} receives it: reading a ring this way
     * allocates nothing per record.
     *
     * @return this view
     * @throws IllegalArgumentException if the record is shorter than the header or its payload length exceeds it
     */
    public FlowEventView wrap(MemorySegment data, long offset, int length) {
        if (length < HEADER_SIZE) throw invalid(length, -1);
        int payload = Short.toUnsignedInt(data.get(U16, offset + PAYLOAD_LEN));
        if (payload > PAYLOAD_MAX || HEADER_SIZE + payload > length) throw invalid(length, payload);
        MemorySegment.copy(data, U64, offset, words, 0, HEADER_SIZE / 8);
        if (payload != 0) MemorySegment.copy(data, offset + HEADER_SIZE, segment, HEADER_SIZE, payload);
        this.size = length;
        return this;
    }

    private static IllegalArgumentException invalid(long n, int payload) {
        return new IllegalArgumentException(payload < 0 ? "flow event of " + n + " bytes, need at least " + HEADER_SIZE
                : "flow event claims " + payload + " payload bytes in a " + n + "-byte record");
    }

    /** The copied header and payload of the current record (valid until the next {@link #wrap}). */
    public MemorySegment segment() { return segment.asSlice(0, HEADER_SIZE + payloadLength()).asReadOnly(); }

    public long timestampNanos() { return segment.get(U64, TS); }
    public int kind() { return u8(KIND); }
    public int verdict() { return u8(VERDICT); }
    public int dropReason() { return u8(DROP); }
    /** Address family: 2 (AF_INET) or 10 (AF_INET6). */
    public int family() { return u8(FAMILY); }
    public int protocol() { return u8(PROTO); }
    public int tcpFlags() { return u8(FLAGS); }
    public int direction() { return u8(DIR); }
    public int subtype() { return u8(SUBTYPE); }
    public int ifindex() { return segment.get(U32, IFINDEX); }
    public int pid() { return segment.get(U32, PID); }
    public int sourcePort() { return Short.toUnsignedInt(segment.get(U16, SPORT)); }
    public int destinationPort() { return Short.toUnsignedInt(segment.get(U16, DPORT)); }
    public int originalDestinationPort() { return Short.toUnsignedInt(segment.get(U16, ORIG_DPORT)); }
    public int payloadLength() { return Short.toUnsignedInt(segment.get(U16, PAYLOAD_LEN)); }
    public long socketId() { return segment.get(U64, SOCK_ID); }
    public long latencyNanos() { return segment.get(U64, LATENCY); }
    public long tcpSequence() { return Integer.toUnsignedLong(segment.get(U32, SEQ)); }
    public int oldState() { return u8(OLD_STATE); }
    public int newState() { return u8(NEW_STATE); }
    public int socketError() { return Short.toUnsignedInt(segment.get(U16, SK_ERR)); }

    /** Address length for {@link #family()}: 4 or 16. */
    public int addressLength() {
        return family() == 10 ? 16 : 4;
    }

    /** Copies the source address bytes (network order) into {@code dst}; returns the length copied. */
    public int sourceAddress(byte[] dst) { return copyAddress(SADDR, dst); }

    /** Copies the destination address bytes into {@code dst}; returns the length copied. */
    public int destinationAddress(byte[] dst) { return copyAddress(DADDR, dst); }

    /** Copies the pre-translation destination (VIP) into {@code dst}; returns the length copied. */
    public int originalDestinationAddress(byte[] dst) { return copyAddress(ORIG_DADDR, dst); }

    /** Payload byte {@code i} (0 &lt;= i &lt; {@link #payloadLength()}). */
    public int payloadByte(int i) {
        if (i < 0 || i >= payloadLength()) throw new IndexOutOfBoundsException(i);
        return u8(HEADER_SIZE + i);
    }

    /** Copies the payload into {@code dst} (at least {@link #payloadLength()} long); returns the length copied. */
    public int copyPayload(byte[] dst) {
        int n = payloadLength();
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, HEADER_SIZE, dst, 0, n);
        return n;
    }

    private int copyAddress(long offset, byte[] dst) {
        int n = addressLength();
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, dst, 0, n);
        return n;
    }

    private int u8(long offset) {
        return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, offset));
    }

    @Override
    public String toString() {
        return "FlowEventView[kind=" + kind() + ", subtype=" + subtype() + ", " + size + " bytes]";
    }
}
