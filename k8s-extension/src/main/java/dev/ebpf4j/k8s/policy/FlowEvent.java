package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.PolicyType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One record of the {@code policy_flows} ring buffer ({@code struct flow_event} of {@code policy.bpf.c}, 72 bytes):
 * a general flow record that other datapath programs can emit too.
 *
 * <pre>
 * struct flow_event { u64 timestamp_ns; u8 saddr[16]; u8 daddr[16]; u16 family; __be16 sport; __be16 dport;
 *                     u8 protocol; u8 verdict; u8 drop_reason; u8 direction; u16 pad; u32 ifindex;
 *                     u32 src_identity; u32 dst_identity; u32 rule_id; }
 * </pre>
 *
 * @param timestampNanos {@code bpf_ktime_get_ns()} (monotonic since boot)
 * @param source the packet's source address
 * @param destination the packet's destination address
 * @param sourcePort the source port (0 without ports)
 * @param destinationPort the destination port
 * @param protocol the IP protocol number
 * @param dropped whether the packet was dropped
 * @param reason the drop reason
 * @param direction whose policy decided: the local pod's ingress or egress
 * @param ifindex the interface the program ran on
 * @param sourceIdentity the source's identity
 * @param destinationIdentity the destination's identity
 */
public record FlowEvent(long timestampNanos, InetAddress source, InetAddress destination, int sourcePort,
                        int destinationPort, int protocol, boolean dropped, DropReason reason, PolicyType direction,
                        int ifindex, int sourceIdentity, int destinationIdentity) {

    /** Size of {@code struct flow_event}. */
    public static final int SIZE = 72;
    private static final int AF_INET = 2;

    /**
     * @param record the raw ring buffer record
     * @return the event
     * @throws IllegalArgumentException if the record is not a flow event
     */
    public static FlowEvent decode(byte[] record) {
        if (record.length != SIZE) {
            throw new IllegalArgumentException("a flow_event has " + SIZE + " bytes, got " + record.length);
        }
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.nativeOrder());
        int family = Short.toUnsignedInt(b.getShort(40));
        int addrLen = family == AF_INET ? 4 : 16;
        return new FlowEvent(b.getLong(0), address(record, 8, addrLen), address(record, 24, addrLen),
                Short.toUnsignedInt(Short.reverseBytes(b.getShort(42))),
                Short.toUnsignedInt(Short.reverseBytes(b.getShort(44))),
                Byte.toUnsignedInt(b.get(46)), b.get(47) == 2, DropReason.ofCode(b.get(48)),
                b.get(49) == PolicyMapLayout.DIR_EGRESS ? PolicyType.EGRESS : PolicyType.INGRESS,
                b.getInt(52), b.getInt(56), b.getInt(60));
    }

    private static InetAddress address(byte[] record, int offset, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(record, offset, offset + length));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
