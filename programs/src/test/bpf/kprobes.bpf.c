// kprobe/kretprobe programs: need CONFIG_KPROBES (not on the host kernel; run in the qemu guest).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

volatile const __u32 target_tgid = 0;

static __always_inline void bump(__u32 key)
{
    if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return;
    __u64 *v = bpf_map_lookup_elem(&counts, &key);
    if (v)
        __sync_fetch_and_add(v, 1);
}

SEC("kprobe/do_unlinkat")
int kp_unlinkat(void *ctx) { bump(0); return 0; }

SEC("kretprobe/do_unlinkat")
int krp_unlinkat(void *ctx) { bump(1); return 0; }

char LICENSE[] SEC("license") = "GPL";
