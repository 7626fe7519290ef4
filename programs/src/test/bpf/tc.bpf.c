// TC programs for TcIT and ProgramTesterIT: count and rewrite a UDP port, order probes, a "foreign" dropper.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

volatile const __u16 from_port = 9000;
volatile const __u16 to_port = 9001;
__u64 seq = 0;

#define UDP_DPORT_OFF (14 + 20 + 2)
#define UDP_CSUM_OFF (14 + 20 + 6)

static __always_inline int udp_dport(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(0x0800))
        return -1;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || ip->protocol != 17 || ip->ihl != 5)
        return -1;
    struct udphdr *udp = (void *)(ip + 1);
    if ((void *)(udp + 1) > end)
        return -1;
    return bpf_ntohs(udp->dest);
}

static __always_inline void bump(__u32 key)
{
    __u64 *v = bpf_map_lookup_elem(&counts, &key);
    if (v)
        __sync_fetch_and_add(v, 1);
}

SEC("tc")
int tc_rewrite(struct __sk_buff *skb)
{
    int port = udp_dport(skb);
    if (port < 0)
        return TC_ACT_UNSPEC;
    bump(0);
    skb->mark = 0x42;
    if (port == from_port) {
        __be16 old = bpf_htons(from_port), new = bpf_htons(to_port);
        bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old, new, sizeof(new));
        bpf_skb_store_bytes(skb, UDP_DPORT_OFF, &new, sizeof(new), 0);
        bump(1);
    }
    return TC_ACT_UNSPEC; // continue: later tcx programs and clsact filters still run
}

static __always_inline int order(struct __sk_buff *skb, __u32 slot)
{
    if (udp_dport(skb) < 0)
        return TC_ACT_UNSPEC;
    __u64 *v = bpf_map_lookup_elem(&counts, &slot);
    if (v)
        *v = __sync_add_and_fetch(&seq, 1);
    return TC_ACT_UNSPEC;
}

SEC("tc")
int tc_order_a(struct __sk_buff *skb) { return order(skb, 2); }

SEC("tc")
int tc_order_b(struct __sk_buff *skb) { return order(skb, 3); }

char LICENSE[] SEC("license") = "GPL";
