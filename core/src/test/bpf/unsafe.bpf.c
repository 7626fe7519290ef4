// Test object the verifier must reject: it dereferences a hash map value without the NULL check.
// (An array with a constant in-range key would pass: kernels since 6.13 know that lookup cannot fail.)
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} values SEC(".maps");

SEC("xdp")
int xdp_unsafe(struct xdp_md *ctx)
{
    __u32 key = 0;
    __u64 *value = bpf_map_lookup_elem(&values, &key);
    return *value == 42 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
