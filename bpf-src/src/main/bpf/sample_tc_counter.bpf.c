// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// Per-pod traffic counter for TC (tcx): attached to a pod's host-side veth, ingress sees what the pod sends and
// egress what it receives. Counts IPv4 packets and bytes (skb->len, Ethernet header included) per pod address and
// direction in the hash map tc_pod_counts. Only the IP protocol in the .rodata constant `protocol` is counted
// (0 = every IPv4 packet); ARP and IPv6 are never counted. Every packet continues (TCX_NEXT).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800

enum tc_pod_direction {
    TC_POD_FROM = 0,   // sent by the pod (ingress on its host-side veth)
    TC_POD_TO = 1,     // received by the pod (egress on its host-side veth)
};

struct tc_pod_key {
    __u32 pod_ip;      // network byte order
    __u32 direction;   // enum tc_pod_direction
};

struct tc_pod_value {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, struct tc_pod_key);
    __type(value, struct tc_pod_value);
} tc_pod_counts SEC(".maps");

const volatile __u8 protocol = 17;
const volatile enum tc_pod_direction last_direction = TC_POD_TO;

static __always_inline int count(struct __sk_buff *skb, enum tc_pod_direction dir)
{
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);

    if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
        return TCX_NEXT;
    if (protocol && ip->protocol != protocol)
        return TCX_NEXT;
    struct tc_pod_key key = { .pod_ip = dir == TC_POD_FROM ? ip->saddr : ip->daddr, .direction = dir };
    struct tc_pod_value *v = bpf_map_lookup_elem(&tc_pod_counts, &key);
    if (!v) {
        struct tc_pod_value zero = {};
        // NOEXIST: if another CPU created it meanwhile, fall through to its entry.
        bpf_map_update_elem(&tc_pod_counts, &key, &zero, BPF_NOEXIST);
        v = bpf_map_lookup_elem(&tc_pod_counts, &key);
        if (!v)
            return TCX_NEXT;
    }
    __sync_fetch_and_add(&v->packets, 1);
    __sync_fetch_and_add(&v->bytes, skb->len);
    return TCX_NEXT;
}

SEC("tcx/ingress")
int tc_pod_ingress(struct __sk_buff *skb)
{
    return count(skb, TC_POD_FROM);
}

SEC("tcx/egress")
int tc_pod_egress(struct __sk_buff *skb)
{
    return count(skb, TC_POD_TO);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
