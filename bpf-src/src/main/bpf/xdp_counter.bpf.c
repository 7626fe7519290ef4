// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// XDP packet counter: counts packets and bytes per CPU, in total and per L4 protocol, and passes every packet
// (or drops every packet when the loader sets the .rodata constant `verdict` to XDP_DROP, as tests do).
//
// Map `counters` (BPF_MAP_TYPE_PERCPU_ARRAY, key __u32 slot, value struct xdp_counter_value) has one slot per
// `enum xdp_counter_slot`: 0 all packets, 1 TCP, 2 UDP, 3 ICMP/ICMPv6, 4 any other (or non-IP) packet.
// Sum a slot's per-CPU values to get the totals.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

// Not in vmlinux.h: these are macros in the kernel's UAPI headers.
#define ETH_P_IP   0x0800
#define ETH_P_IPV6 0x86DD
#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif

enum xdp_counter_slot {
    XDP_COUNTER_ALL = 0,
    XDP_COUNTER_TCP = 1,
    XDP_COUNTER_UDP = 2,
    XDP_COUNTER_ICMP = 3,
    XDP_COUNTER_OTHER = 4,
    XDP_COUNTER_SLOTS = 5,
};

struct xdp_counter_value {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, XDP_COUNTER_SLOTS);
    __type(key, __u32);
    __type(value, struct xdp_counter_value);
} counters SEC(".maps");

// What every packet gets; the loader may change it before load (BpfObjectSpec.constant("verdict", 1) drops).
const volatile enum xdp_action verdict = XDP_PASS;

// The slot enum has no other use in a type the object's BTF records; this keeps its values in the BTF so that
// generated Java constants and debuggers see them. Never read.
const volatile enum xdp_counter_slot last_slot = XDP_COUNTER_OTHER;

static __always_inline void count(__u32 slot, __u64 bytes)
{
    struct xdp_counter_value *value = bpf_map_lookup_elem(&counters, &slot);
    if (!value)
        return;
    // Per-CPU: no other CPU writes this value, so plain increments are enough.
    value->packets += 1;
    value->bytes += bytes;
}

static __always_inline __u32 l4_slot(void *data, void *data_end)
{
    struct ethhdr *eth = data;
    __u8 protocol;

    if ((void *)(eth + 1) > data_end)
        return XDP_COUNTER_OTHER;
    if (eth->h_proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = (void *)(eth + 1);
        if ((void *)(ip + 1) > data_end)
            return XDP_COUNTER_OTHER;
        protocol = ip->protocol;
    } else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = (void *)(eth + 1);
        if ((void *)(ip6 + 1) > data_end)
            return XDP_COUNTER_OTHER;
        protocol = ip6->nexthdr;
    } else {
        return XDP_COUNTER_OTHER;
    }
    switch (protocol) {
    case IPPROTO_TCP:
        return XDP_COUNTER_TCP;
    case IPPROTO_UDP:
        return XDP_COUNTER_UDP;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        return XDP_COUNTER_ICMP;
    default:
        return XDP_COUNTER_OTHER;
    }
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u64 bytes = data_end - data;

    count(XDP_COUNTER_ALL, bytes);
    count(l4_slot(data, data_end), bytes);
    return verdict;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
