package dev.ebpf4j.k8s.policy;

import dev.ebpf4j.k8s.internal.StructBytes;

/** The C structs of policy.bpf.c's maps, as {@link PolicyMapLayout} writes them, for the BTF check of the map views. */
final class PolicyStructs {
    static final StructBytes ENDPOINT_KEY = StructBytes.of("policy_endpoint_key", "addr", 16);
    static final StructBytes ENDPOINT = StructBytes.of("policy_endpoint", "endpoint_id", 4, "identity", 4, "flags", 4);
    static final StructBytes IPCACHE_KEY = StructBytes.of("policy_ipcache_key", "prefixlen", 4, "addr", 16);
    static final StructBytes IPCACHE_VALUE = StructBytes.of("policy_ipcache_value", "identity", 4, "cidr_identity", 4);
    static final StructBytes POLICY_KEY = StructBytes.of("policy_key", "prefixlen", 4, "endpoint", 4, "identity", 4,
            "direction", 1, "protocol", 1, "dport", 2);
    static final StructBytes POLICY_VALUE = StructBytes.of("policy_value", "rule_id", 4);
    static final StructBytes CT_KEY = StructBytes.of("policy_ct_key", "saddr", 16, "daddr", 16, "sport", 2, "dport", 2,
            "protocol", 1, "direction", 1, "pad", 2);
    static final StructBytes CT_VALUE = StructBytes.of("policy_ct_value", "last_seen_ns", 8, "revision", 4, "rule_id", 4);
    static final StructBytes FRAG_KEY = StructBytes.of("policy_frag_key", "saddr", 16, "daddr", 16, "id", 4,
            "protocol", 1, "direction", 1, "pad", 2);
    static final StructBytes FRAG_VALUE = StructBytes.of("policy_frag_value", "first_seen_ns", 8, "drop_direction", 1,
            "pad", 7);
    static final StructBytes CONFIG = StructBytes.of("policy_config", "revision", 4, "flags", 4);

    private PolicyStructs() {
    }
}
