// Counts the packets an XDP hook sees, per IP protocol, and passes them all on; and a socket filter that counts
// the datagrams reaching one socket.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} packets SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 256);
    __type(key, __u8);
    __type(value, __u64);
} by_protocol SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u32 zero = 0;
    __u64 *total = bpf_map_lookup_elem(&packets, &zero);
    if (total)
        __sync_fetch_and_add(total, 1);

    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(0x0800 /* ETH_P_IP */))
        return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end)
        return XDP_PASS;
    __u8 proto = ip->protocol;
    __u64 one = 1, *count = bpf_map_lookup_elem(&by_protocol, &proto);
    if (count)
        __sync_fetch_and_add(count, 1);
    else
        bpf_map_update_elem(&by_protocol, &proto, &one, BPF_NOEXIST);
    return XDP_PASS;
}

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} datagrams SEC(".maps");

// A socket filter: counts what reaches the socket it is attached to, and keeps every byte of it.
SEC("socket")
int count_socket(struct __sk_buff *skb)
{
    __u32 zero = 0;
    __u64 *count = bpf_map_lookup_elem(&datagrams, &zero);
    if (count)
        __sync_fetch_and_add(count, 1);
    return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
