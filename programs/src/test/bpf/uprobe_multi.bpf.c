// One uprobe_multi program on several functions: counts hits per attach cookie, for one thread only.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, __u64);
    __type(value, __u64);
} hits SEC(".maps");

volatile const __u32 target_tid = 0;

SEC("uprobe.multi")
int count_calls(struct pt_regs *ctx)
{
    if ((__u32)bpf_get_current_pid_tgid() != target_tid)
        return 0;
    __u64 cookie = bpf_get_attach_cookie(ctx);
    __u64 one = 1;
    __u64 *v = bpf_map_lookup_elem(&hits, &cookie);
    if (v)
        __sync_fetch_and_add(v, 1);
    else
        bpf_map_update_elem(&hits, &cookie, &one, BPF_NOEXIST);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
