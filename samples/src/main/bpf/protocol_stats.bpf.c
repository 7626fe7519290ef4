// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// Per-protocol packet statistics in XDP, the sample of the generated object class (ProtocolStatsObject): a hash map
// keyed by a struct, an array of totals, a .rodata protocol to drop (set before load), and live .data/.bss globals
// (a sampling divisor Java may change while the program runs, and a drop counter Java reads).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800

struct protocol_key {
    __u8 protocol;
    __u8 pad[3];
};

struct protocol_stats {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 256);
    __type(key, struct protocol_key);
    __type(value, struct protocol_stats);
} by_protocol SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} totals SEC(".maps");

// Set before load: IPv4 packets of this protocol are dropped (0: none).
const volatile __u8 blocked_protocol = 0;
// Changed live: only every sample_every-th packet is counted per protocol.
__u32 sample_every = 1;
// Read live: how many packets were dropped, and how many seen.
__u64 dropped = 0;
__u64 seen = 0;

SEC("xdp")
int count_by_protocol(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    __u32 zero = 0;
    __u64 *total = bpf_map_lookup_elem(&totals, &zero);
    __u64 n = __sync_fetch_and_add(&seen, 1) + 1;

    if (total)
        __sync_fetch_and_add(total, 1);
    if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    if (blocked_protocol && ip->protocol == blocked_protocol) {
        __sync_fetch_and_add(&dropped, 1);
        return XDP_DROP;
    }
    if (sample_every > 1 && n % sample_every)
        return XDP_PASS;

    struct protocol_key key = {.protocol = ip->protocol};
    struct protocol_stats *stats = bpf_map_lookup_elem(&by_protocol, &key);
    if (!stats) {
        struct protocol_stats fresh = {};
        bpf_map_update_elem(&by_protocol, &key, &fresh, BPF_NOEXIST);
        stats = bpf_map_lookup_elem(&by_protocol, &key);
        if (!stats)
            return XDP_PASS;
    }
    __sync_fetch_and_add(&stats->packets, 1);
    __sync_fetch_and_add(&stats->bytes, data_end - data);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
