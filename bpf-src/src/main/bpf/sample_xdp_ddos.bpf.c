// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// XDP DDoS mitigation sample: drops packets whose source is in a CIDR blocklist (LPM tries, IPv4 and IPv6) and
// rate-limits every other source with a token bucket (one per source address, in an LRU hash so that a flood of
// spoofed sources evicts old buckets instead of filling the map). Non-IP frames (ARP, ...) always pass.
//
// Maps: ddos_block_v4 / ddos_block_v6 (LPM_TRIE, key struct ddos_lpm_v4 / ddos_lpm_v6, value __u32 rule id),
// ddos_buckets (LRU_HASH, key struct ddos_source, value struct ddos_bucket) and ddos_stats (PERCPU_ARRAY, key
// enum ddos_reason, value struct ddos_stat). The loader sets rate_pps and burst in .rodata before load.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP   0x0800
#define ETH_P_IPV6 0x86DD
#define NSEC_PER_SEC 1000000000ULL

enum ddos_reason {
    DDOS_PASSED = 0,
    DDOS_BLOCKLISTED = 1,
    DDOS_RATE_LIMITED = 2,
    DDOS_REASONS = 3,
};

struct ddos_lpm_v4 {
    __u32 prefixlen;
    __u8 addr[4];
};

struct ddos_lpm_v6 {
    __u32 prefixlen;
    __u8 addr[16];
};

// IPv4 sources are stored as IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) so one map serves both families.
struct ddos_source {
    __u8 addr[16];
};

// Credit is kept in nanoseconds of elapsed time: a packet costs NSEC_PER_SEC / rate_pps, and the bucket holds at
// most burst packets' worth. Integer-only, no division per packet beyond one by a constant.
struct ddos_bucket {
    __u64 credit_ns;
    __u64 last_ns;
};

struct ddos_stat {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 16384);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct ddos_lpm_v4);
    __type(value, __u32);
} ddos_block_v4 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 16384);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct ddos_lpm_v6);
    __type(value, __u32);
} ddos_block_v6 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, struct ddos_source);
    __type(value, struct ddos_bucket);
} ddos_buckets SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, DDOS_REASONS);
    __type(key, __u32);
    __type(value, struct ddos_stat);
} ddos_stats SEC(".maps");

const volatile __u64 rate_pps = 100;
const volatile __u64 burst = 20;
// Keeps the reason enum in the BTF for the generated Java constants. Never read.
const volatile enum ddos_reason last_reason = DDOS_RATE_LIMITED;

static __always_inline int account(__u32 reason, __u64 bytes)
{
    struct ddos_stat *s = bpf_map_lookup_elem(&ddos_stats, &reason);
    if (s) {
        s->packets += 1;
        s->bytes += bytes;
    }
    return reason == DDOS_PASSED ? XDP_PASS : XDP_DROP;
}

// Token bucket; two CPUs updating the same source may race and let a packet or two extra through, which a
// rate limiter for floods can afford (a spin lock would serialise the hottest source).
static __always_inline bool allowed(struct ddos_source *src)
{
    __u64 now = bpf_ktime_get_ns();
    __u64 cost = NSEC_PER_SEC / (rate_pps ? rate_pps : 1);
    __u64 cap = cost * burst;
    struct ddos_bucket *b = bpf_map_lookup_elem(&ddos_buckets, src);

    if (!b) {
        // A new source starts with a full bucket, minus this packet (burst 0: an empty one, and it is dropped).
        struct ddos_bucket fresh = { .credit_ns = cap >= cost ? cap - cost : 0, .last_ns = now };
        bpf_map_update_elem(&ddos_buckets, src, &fresh, BPF_ANY);
        return cap >= cost;
    }
    __u64 credit = b->credit_ns + (now - b->last_ns);
    if (credit > cap)
        credit = cap;
    b->last_ns = now;
    if (credit < cost) {
        b->credit_ns = credit;
        return false;
    }
    b->credit_ns = credit - cost;
    return true;
}

SEC("xdp")
int xdp_ddos(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u64 bytes = data_end - data;
    struct ethhdr *eth = data;
    struct ddos_source src = {};

    if ((void *)(eth + 1) > data_end)
        return XDP_PASS;
    if (eth->h_proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = (void *)(eth + 1);
        if ((void *)(ip + 1) > data_end)
            return XDP_PASS;
        struct ddos_lpm_v4 key = { .prefixlen = 32 };
        __builtin_memcpy(key.addr, &ip->saddr, 4);
        if (bpf_map_lookup_elem(&ddos_block_v4, &key))
            return account(DDOS_BLOCKLISTED, bytes);
        src.addr[10] = 0xff;
        src.addr[11] = 0xff;
        __builtin_memcpy(&src.addr[12], &ip->saddr, 4);
    } else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = (void *)(eth + 1);
        if ((void *)(ip6 + 1) > data_end)
            return XDP_PASS;
        struct ddos_lpm_v6 key = { .prefixlen = 128 };
        __builtin_memcpy(key.addr, &ip6->saddr, 16);
        if (bpf_map_lookup_elem(&ddos_block_v6, &key))
            return account(DDOS_BLOCKLISTED, bytes);
        // Neighbour discovery must flow or IPv6 stops working; it is not what a flood limit is for.
        if (ip6->nexthdr == 58)
            return XDP_PASS;
        __builtin_memcpy(src.addr, &ip6->saddr, 16);
    } else {
        return XDP_PASS;
    }
    return account(allowed(&src) ? DDOS_PASSED : DDOS_RATE_LIMITED, bytes);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
