package dev.ebpf4j.k8s.conntrack;

import dev.ebpf4j.k8s.internal.StructBytes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The conntrack maps the sweep knows, their layouts (lb_nodeport.h, policy.bpf.c) and how to read an entry's
 * protocol, state and last-seen time from them. Host-order fields are little-endian: the datapath runs on x86-64
 * and aarch64 (both little-endian) only.
 */
enum ConntrackTable {
    /** NodePort flows, one forward and (local backend) one reply entry each: struct lb_ct_key / struct lb_ct. */
    LB_CT("lb_ct",
            StructBytes.of("lb_ct_key", "saddr", 4, "daddr", 4, "sport", 2, "dport", 2, "proto", 1, "dir", 1, "pad", 2),
            StructBytes.of("lb_ct", "addr", 4, "port", 2, "nat_port", 2, "backend_id", 4, "flags", 4, "last_seen_ns", 8)),
    /** SNATed NodePort flows keyed by the reply: struct lb_snat_key / struct lb_snat. */
    LB_SNAT("lb_snat",
            StructBytes.of("lb_snat_key", "backend", 4, "node", 4, "backend_port", 2, "nat_port", 2, "proto", 1, "pad", 3),
            StructBytes.of("lb_snat", "client", 4, "frontend", 4, "client_port", 2, "frontend_port", 2, "state", 4,
                    "last_seen_ns", 8)),
    /** IPv6 NodePort flows (lb_nodeport6.h): struct lb_ct6_key / struct lb_ct6, 16-byte addresses. */
    LB_CT6("lb_ct6",
            StructBytes.of("lb_ct6_key", "saddr", 16, "daddr", 16, "sport", 2, "dport", 2, "proto", 1, "dir", 1, "pad", 2),
            StructBytes.of("lb_ct6", "addr", 16, "port", 2, "nat_port", 2, "backend_id", 4, "flags", 4, "pad", 4,
                    "last_seen_ns", 8)),
    /** SNATed IPv6 NodePort flows keyed by the reply: struct lb_snat6_key / struct lb_snat6. */
    LB_SNAT6("lb_snat6",
            StructBytes.of("lb_snat6_key", "backend", 16, "node", 16, "backend_port", 2, "nat_port", 2, "proto", 1, "pad", 3),
            StructBytes.of("lb_snat6", "client", 16, "frontend", 16, "client_port", 2, "frontend_port", 2, "state", 4,
                    "last_seen_ns", 8)),
    /** Connections the policy programs accepted: struct policy_ct_key / struct policy_ct_value. */
    POLICY("policy_conntrack",
            StructBytes.of("policy_ct_key", "saddr", 16, "daddr", 16, "sport", 2, "dport", 2, "protocol", 1,
                    "direction", 1, "pad", 2),
            StructBytes.of("policy_ct_value", "last_seen_ns", 8, "revision", 4, "rule_id", 4));

    private static final long POLICY_TIME_MASK = (1L << 62) - 1;

    final String map;
    final StructBytes key;
    final StructBytes value;

    ConntrackTable(String map, StructBytes key, StructBytes value) {
        this.map = map;
        this.key = key;
        this.value = value;
    }

    int protocol(byte[] key) {
        return Byte.toUnsignedInt(key[this == LB_CT || this == LB_SNAT ? 12 : 36]);
    }

    /** The ct_age.h state bits. */
    int state(byte[] value) {
        return switch (this) {
            case LB_CT -> (le(value).getInt(12) >>> 8) & 3;
            case LB_SNAT -> le(value).getInt(12) & 3;
            case LB_CT6 -> (le(value).getInt(24) >>> 8) & 3;
            case LB_SNAT6 -> le(value).getInt(36) & 3;
            case POLICY -> (int) (le(value).getLong(0) >>> 62);
        };
    }

    /** bpf_ktime_get_ns() when the entry was last refreshed. */
    long lastSeenNanos(byte[] value) {
        return switch (this) {
            case LB_CT, LB_SNAT -> le(value).getLong(16);
            case LB_CT6 -> le(value).getLong(32);
            case LB_SNAT6 -> le(value).getLong(40);
            case POLICY -> le(value).getLong(0) & POLICY_TIME_MASK;
        };
    }

    /** Whether the datapath treats the entry as absent at {@code now} (ct_age.h's ct_expired, minus the SYN rule). */
    boolean expired(byte[] key, byte[] value, ConntrackTimeouts timeouts, long now) {
        long last = lastSeenNanos(value);
        return now > last && now - last > timeouts.lifetimeNanos(protocol(key), state(value));
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
