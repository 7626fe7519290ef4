// A netfilter hook program: drops IPv4 UDP datagrams to one port and counts what it saw.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#define NF_DROP 0
#define NF_ACCEPT 1

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} verdicts SEC(".maps");

volatile const __u16 drop_port = 0;

static __always_inline void count(__u32 verdict)
{
    __u64 *v = bpf_map_lookup_elem(&verdicts, &verdict);
    if (v)
        __sync_fetch_and_add(v, 1);
}

SEC("netfilter")
int drop_udp_port(struct bpf_nf_ctx *ctx)
{
    struct sk_buff *skb = ctx->skb;
    unsigned char *head = BPF_CORE_READ(skb, head);
    struct iphdr ip;
    if (bpf_probe_read_kernel(&ip, sizeof(ip), head + BPF_CORE_READ(skb, network_header)))
        return NF_ACCEPT;
    if (ip.protocol != IPPROTO_UDP)
        return NF_ACCEPT;
    struct udphdr udp;
    if (bpf_probe_read_kernel(&udp, sizeof(udp), head + BPF_CORE_READ(skb, network_header) + ip.ihl * 4))
        return NF_ACCEPT;
    if (bpf_ntohs(udp.dest) == drop_port) {
        count(NF_DROP);
        return NF_DROP;
    }
    count(NF_ACCEPT);
    return NF_ACCEPT;
}

char LICENSE[] SEC("license") = "GPL";
