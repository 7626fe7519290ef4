package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.model.Cidr;
import dev.ebpf4j.k8s.model.PolicyType;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The byte layouts of the policy datapath maps, identical to the structs in {@code policy.bpf.c}. Numbers are in
 * host byte order, addresses and ports in network byte order. Addresses are 16 bytes: IPv6 as is, IPv4 as
 * IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}), so an IPv4 prefix of length n is stored with prefix length 96 + n.
 *
 * <pre>
 * policy_endpoints  HASH     key u8 addr[16]                    value struct policy_endpoint { u32 endpoint_id; u32 identity; u32 flags; }
 * policy_ipcache    LPM_TRIE key struct policy_ipcache_key { u32 prefixlen; u8 addr[16]; }   value struct policy_ipcache_value { u32 identity; u32 cidr_identity; }
 * policy_rules      LPM_TRIE key struct policy_key { u32 prefixlen; u32 endpoint; u32 identity; u8 direction; u8 protocol; __be16 dport; }
 *                            value struct policy_value { u32 rule_id; }
 * </pre>
 *
 * <p>A policy key's prefix covers endpoint (32 bits), peer identity (32), direction (8), protocol (8) and port
 * (16): 96 bits for one port, 80 + n for an aligned port block of 2^(16-n) ports, 80 for every port of a protocol
 * and 72 for every port of every protocol. The peer identity is never wildcarded by prefix; "any peer" is the
 * explicit identity {@link Identities#ANY}, looked up as a second key.
 */
public final class PolicyMapLayout {

    /** Name of the endpoint map in the BPF object. */
    public static final String ENDPOINTS_MAP = "policy_endpoints";
    /** Name of the ipcache map. */
    public static final String IPCACHE_MAP = "policy_ipcache";
    /** Name of the policy map. */
    public static final String RULES_MAP = "policy_rules";

    /** Endpoint flag: ingress is isolated. */
    public static final int FLAG_INGRESS_ISOLATED = 1;
    /** Endpoint flag: egress is isolated. */
    public static final int FLAG_EGRESS_ISOLATED = 2;
    /** Direction byte for ingress to the endpoint. */
    public static final int DIR_INGRESS = 1;
    /** Direction byte for egress from the endpoint. */
    public static final int DIR_EGRESS = 2;
    /** Protocol byte meaning "every protocol" (only with prefix {@value #PREFIX_ANY_PROTOCOL}). */
    public static final int PROTO_ANY = 0;
    /** Prefix length of a key matching every port of every protocol. */
    public static final int PREFIX_ANY_PROTOCOL = 72;
    /** Prefix length of a key matching every port of one protocol. */
    public static final int PREFIX_ANY_PORT = 80;
    /** Prefix length of a key matching exactly one port. */
    public static final int PREFIX_FULL = 96;

    private PolicyMapLayout() {
    }

    /**
     * @param type a policy direction
     * @return its direction byte
     */
    public static int direction(PolicyType type) {
        return type == PolicyType.INGRESS ? DIR_INGRESS : DIR_EGRESS;
    }

    /**
     * A local endpoint (pod address on this node).
     *
     * @param address one of the pod's addresses
     * @param endpointId the endpoint number
     * @param identity the pod's label identity
     * @param ingressIsolated whether some policy isolates its ingress
     * @param egressIsolated whether some policy isolates its egress
     */
    public record EndpointEntry(InetAddress address, int endpointId, int identity, boolean ingressIsolated,
                                boolean egressIsolated) {
        /** @return the 16-byte key */
        public byte[] key() {
            return mapped(address);
        }

        /** @return the 12-byte value */
        public byte[] value() {
            int flags = (ingressIsolated ? FLAG_INGRESS_ISOLATED : 0) | (egressIsolated ? FLAG_EGRESS_ISOLATED : 0);
            return buffer(12).putInt(endpointId).putInt(identity).putInt(flags).array();
        }
    }

    /**
     * An ipcache prefix.
     *
     * @param prefix the prefix (either family)
     * @param identity the label or reserved identity of addresses with this longest match
     * @param cidrIdentity the CIDR identity (set of matching ipBlocks) of those addresses, 0 for none
     */
    public record IpcacheEntry(Cidr prefix, int identity, int cidrIdentity) {
        /** @return the 20-byte LPM key */
        public byte[] key() {
            int len = prefix.isIpv4() ? 96 + prefix.prefixLength() : prefix.prefixLength();
            return buffer(20).putInt(len).put(mapped(prefix.network())).array();
        }

        /** @return the 8-byte value */
        public byte[] value() {
            return buffer(8).putInt(identity).putInt(cidrIdentity).array();
        }
    }

    /**
     * An allow entry.
     *
     * @param endpointId the endpoint whose policy this is
     * @param peerIdentity the peer's identity, or {@link Identities#ANY}
     * @param direction {@link #DIR_INGRESS} or {@link #DIR_EGRESS}
     * @param protocol the IP protocol number, or {@link #PROTO_ANY}
     * @param port the first destination port of the block (0 when not port-specific)
     * @param prefixLength the key's prefix length (72..96)
     * @param ruleId the index of the allowing rule in {@link CompiledPolicy#rules()}
     */
    public record PolicyEntry(int endpointId, int peerIdentity, int direction, int protocol, int port,
                              int prefixLength, int ruleId) {
        /** Validates the prefix against the fields it leaves unmatched. */
        public PolicyEntry {
            if (prefixLength < PREFIX_ANY_PROTOCOL || prefixLength > PREFIX_FULL) {
                throw new IllegalArgumentException("policy key prefix " + prefixLength + " outside 72..96");
            }
        }

        /** @return the 16-byte LPM key */
        public byte[] key() {
            return policyKey(prefixLength, endpointId, peerIdentity, direction, protocol, port);
        }

        /** @return the 4-byte value */
        public byte[] value() {
            return buffer(4).putInt(ruleId).array();
        }
    }

    /**
     * @param prefixLength prefix length in bits
     * @param endpointId endpoint
     * @param identity peer identity
     * @param direction direction byte
     * @param protocol protocol byte
     * @param port destination port
     * @return a 16-byte policy key (also used for full-length lookups)
     */
    public static byte[] policyKey(int prefixLength, int endpointId, int identity, int direction, int protocol,
                                   int port) {
        ByteBuffer b = buffer(16).putInt(prefixLength).putInt(endpointId).putInt(identity);
        b.put((byte) direction).put((byte) protocol);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) port);
        return b.array();
    }

    /**
     * @param address an address
     * @return a full-length (/128) ipcache lookup key
     */
    public static byte[] ipcacheKey(InetAddress address) {
        return buffer(20).putInt(128).put(mapped(address)).array();
    }

    /** The IPv4-mapped range {@code ::ffff:0:0/96} as the IPv4 root prefix {@code 0.0.0.0/0}. */
    public static final Cidr IPV4_ROOT = Cidr.parse("0.0.0.0/0");

    /**
     * @param address an IPv4 or IPv6 address
     * @return 16 bytes: the IPv6 address, or the IPv4-mapped IPv6 form of an IPv4 address
     */
    public static byte[] mapped(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16) {
            return a;
        }
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(a, 0, out, 12, 4);
        return out;
    }

    static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }
}
