// XDP programs for XdpIT: count UDP packets, drop one port, redirect one port, count on a redirect target.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

volatile const __u16 drop_port = 0;
volatile const __u32 redirect_ifindex = 0;

static __always_inline int udp_dport(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
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

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
    int port = udp_dport(ctx);
    if (port < 0)
        return XDP_PASS;
    bump(0);
    if (port == drop_port) {
        bump(1);
        return XDP_DROP;
    }
    return XDP_PASS;
}

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
    if (udp_dport(ctx) != drop_port)
        return XDP_PASS;
    bump(2);
    return bpf_redirect(redirect_ifindex, 0);
}

SEC("xdp")
int xdp_target(struct xdp_md *ctx)
{
    if (udp_dport(ctx) == drop_port)
        bump(3);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
