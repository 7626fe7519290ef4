// Smoke object for guest kernels: a map and an XDP program that uses it, loadable on 6.1 and later.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, __u64);
} seen SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
    __u32 key = ctx->ingress_ifindex;
    __u64 one = 1, *value = bpf_map_lookup_elem(&seen, &key);
    if (value)
        __sync_fetch_and_add(value, 1);
    else
        bpf_map_update_elem(&seen, &key, &one, BPF_ANY);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
