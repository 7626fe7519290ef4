// A map element iterator: writes each element of the map it is attached to as a raw (u32 key, u32 value) record.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, __u32);
} dumped SEC(".maps");

struct element {
    __u32 key;
    __u32 value;
};

SEC("iter/bpf_map_elem")
int dump_map(struct bpf_iter__bpf_map_elem *ctx)
{
    __u32 *key = ctx->key;
    __u32 *value = ctx->value;
    if (!key || !value)
        return 0;
    struct element e = { .key = *key, .value = *value };
    bpf_seq_write(ctx->meta->seq, &e, sizeof(e));
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
